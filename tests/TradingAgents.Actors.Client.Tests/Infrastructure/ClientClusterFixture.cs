using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Hosting;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.Infrastructure;

/// <summary>
/// Two in-process silos with the discovery grains, round robin for every service (so spreads are
/// exact), no health probes, and grain timers on a fake clock that the tests never advance, so an
/// opened circuit stays open for the rest of a test.
/// </summary>
public sealed class ClientClusterFixture : IAsyncLifetime
{
    private long _version;

    public FakeTimeProvider SiloTime { get; } = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    /// <summary>A service whose fleet-wide retry budget is two retries per 10 s (0 × requests + 0.2/s).</summary>
    public const string RetryBudgetService = "budget-service";

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton(SiloTime);
            silo.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(SiloTime));
            silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            silo.Services.Configure<ServiceDiscoveryOptions>(options =>
            {
                options.LoadBalancing.Algorithm = LoadBalancingAlgorithms.RoundRobin;
                options.LoadBalancing.HealthCheck.Enabled = false;

                // The silo's clock is fake, so the retry budget's window never slides: the retries of every
                // test in the collection would add up against one budget per service. Out of reach here;
                // the budget has its own tests, and RetryBudgetService a small budget of its own (two retries).
                options.RetryBudget.MinRetriesPerSecond = 1_000_000;
                options.Services[RetryBudgetService] = new ServiceOptions
                {
                    RetryBudget = new RetryBudgetOptions { Ratio = 0, MinRetriesPerSecond = 0.2, Window = TimeSpan.FromSeconds(10) },
                };
            });
            silo.AddServiceDiscoveryGrains();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    /// <summary>Publishes <paramref name="backends"/> as the whole endpoint set of <paramref name="service"/> through every silo's catalog.</summary>
    public async Task PublishAsync(string service, params DemoBackend[] backends)
    {
        var version = Interlocked.Increment(ref _version);
        var endpoints = backends.Select(b => new ServiceEndpoint(b.Host, b.Port, EndpointConditions.ReadyToServe, TargetName: b.InstanceName));
        var update = new EndpointSetUpdate("test", version, [.. endpoints], SiloTime.GetUtcNow());
        foreach (var silo in Cluster.Silos)
        {
            await silo.ServiceProvider.GetRequiredService<EndpointCatalog>().PublishAsync(service, update);
        }
    }

    /// <summary>The status of the instance grain of <paramref name="backend"/> under <paramref name="service"/>.</summary>
    public async Task<InstanceStatus> GetStatusAsync(string service, DemoBackend backend)
    {
        var details = await Client.GetGrain<IInstanceGrain>(InstanceKey.Format(service, InstanceIdOf(backend))).GetDetailsAsync();
        return details.Status;
    }

    public static string InstanceIdOf(DemoBackend backend) => EndpointAddress.Format(backend.Host, backend.Port);
}

[CollectionDefinition(Name)]
public sealed class ClientClusterCollection : ICollectionFixture<ClientClusterFixture>
{
    public const string Name = "Client cluster";
}
