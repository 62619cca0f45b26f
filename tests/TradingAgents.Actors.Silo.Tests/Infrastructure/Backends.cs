using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.Infrastructure;

/// <summary>Real demo backends on 127.0.0.1 ephemeral ports, killed on disposal.</summary>
internal sealed class Backends : IAsyncDisposable
{
    private Backends(IReadOnlyList<DemoBackend> instances) => Instances = instances;

    public IReadOnlyList<DemoBackend> Instances { get; }

    public DemoBackend this[int index] => Instances[index];

    public IEnumerable<Uri> Addresses => Instances.Select(i => i.BaseAddress);

    public static async Task<Backends> StartAsync(DemoServiceKind service, int count)
    {
        var started = new List<DemoBackend>();
        for (var i = 0; i < count; i++)
        {
            started.Add(await DemoBackend.StartAsync(new DemoBackendOptions { Service = service, Port = 0, InstanceName = $"{DemoServiceNames.Of(service)}-{i + 1}" }));
        }

        return new Backends(started);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in Instances)
        {
            instance.Faults.Clear();
            await instance.DisposeAsync();
        }
    }
}
