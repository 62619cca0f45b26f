using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.Infrastructure;

/// <summary>Demo backends on 127.0.0.1 ephemeral ports, killed together at the end of a test.</summary>
public sealed class Backends : IAsyncDisposable
{
    private Backends(DemoBackend[] all) => All = all;

    public DemoBackend[] All { get; }

    public DemoBackend this[int index] => All[index];

    public static async Task<Backends> StartAsync(DemoServiceKind kind, int count, string prefix)
    {
        var all = new DemoBackend[count];
        for (var i = 0; i < count; i++)
        {
            all[i] = await DemoBackend.StartAsync(new DemoBackendOptions { Service = kind, InstanceName = $"{prefix}-{i + 1}" });
        }

        return new Backends(all);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var backend in All)
        {
            backend.Faults.Clear();
            await backend.DisposeAsync();
        }
    }
}
