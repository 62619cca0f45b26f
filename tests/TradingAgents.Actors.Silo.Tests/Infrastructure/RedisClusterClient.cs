using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Runtime;

namespace TradingAgents.Actors.Tests.Infrastructure;

/// <summary>
/// An Orleans client of a Redis cluster, in the test process: asks which silo hosts a grain (so that a
/// test can kill exactly that gateway process) and reads grain state across a silo's loss.
/// </summary>
internal sealed class RedisClusterClient : IAsyncDisposable
{
    private readonly IHost _host;

    private RedisClusterClient(IHost host) => _host = host;

    public IGrainFactory Grains => _host.Services.GetRequiredService<IClusterClient>();

    public IManagementGrain Management => Grains.GetGrain<IManagementGrain>(0);

    /// <summary>Connects to the cluster that <paramref name="settings"/> (from <see cref="RedisCluster.Settings(RedisServer, IEnumerable{Uri}, ValueTuple{string, string}[])"/>) describe.</summary>
    public static async Task<RedisClusterClient> ConnectAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.UseRedisClustering(settings["Cluster:RedisConnectionString"]!);
            // A call sent to the killed silo's gateway must fail in seconds, not after the default 30 s,
            // and the list of live gateways must follow the membership table quickly.
            client.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = TimeSpan.FromSeconds(3));
            client.Configure<GatewayOptions>(options => options.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = settings["Cluster:ClusterId"]!;
                options.ServiceId = settings["Cluster:ServiceId"]!;
            });
        });
        var host = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StartAsync(timeout.Token);
        return new RedisClusterClient(host);
    }

    /// <summary>The silo port of the silo holding <paramref name="grain"/>'s activation; throws when it has none.</summary>
    public async Task<int> SiloPortOfAsync(IAddressable grain)
    {
        var silo = await Management.GetActivationAddress(grain);
        return silo?.Endpoint.Port ?? throw new InvalidOperationException($"{grain} has no activation.");
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _host.StopAsync(timeout.Token);
        }
        finally
        {
            _host.Dispose();
        }
    }
}
