using System.Collections.Immutable;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Core.Internal;
using Orleans.Runtime;
using Orleans.TestingHost;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Hosting;

namespace TradingAgents.Actors.Tests.Infrastructure;

/// <summary>
/// Two in-process silos with the discovery grains, one fake clock for grain timers (health probes,
/// breaker recovery) and a few services configured with known policies.
/// </summary>
public class DiscoveryClusterFixture : IAsyncLifetime
{
    private readonly TimeSpan? _cacheTtl;
    private IConfigurationRoot _configuration = null!;

    public DiscoveryClusterFixture()
        : this(cacheTtl: null)
    {
    }

    /// <summary>A cluster whose service grains refresh their instance grains every <paramref name="cacheTtl"/> (default 30 s).</summary>
    protected DiscoveryClusterFixture(TimeSpan? cacheTtl) => _cacheTtl = cacheTtl;

    public const string RoundRobinService = "rr-service";

    public const string LeastConnectionsService = "lc-service";

    /// <summary>A service whose endpoints come from configuration only, through the configuration source.</summary>
    public const string ConfiguredService = "configured-service";

    /// <summary>A round-robin service with max_ejection_percent 25 and panic off.</summary>
    public const string CappedService = "capped-service";

    /// <summary>A weighted-random service with slow_start 60 s.</summary>
    public const string SlowStartService = "slowstart-service";

    /// <summary>Another weighted-random service with slow_start 60 s.</summary>
    public const string SlowStartBreakerService = "slowstart-breaker-service";

    /// <summary>A service with panic_mode fail_fast.</summary>
    public const string FailFastService = "failfast-service";

    private readonly List<TestBackend> _backends = [];

    /// <summary>Ports of <see cref="ConfiguredService"/>'s static endpoints: real backends, so probes pass whatever the clock does.</summary>
    public int[] ConfiguredPorts => [.. _backends.Select(b => b.Port)];

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    /// <summary>What both silos' service grains logged (their category only, to keep the collector small).</summary>
    public FakeLogCollector ServiceGrainLogs { get; } = new(Options.Create(new FakeLogCollectorOptions
    {
        FilteredCategories = { typeof(TradingAgents.Actors.Grains.ServiceGrain).FullName! },
    }));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            _backends.Add(await TestBackend.StartAsync());
        }

        var configuration = _configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["service_discovery:services:configured-service:algorithm"] = "round_robin",
                ["service_discovery:services:configured-service:endpoints:0"] = $"127.0.0.1:{ConfiguredPorts[0]}",
                ["service_discovery:services:configured-service:endpoints:1"] = $"127.0.0.1:{ConfiguredPorts[1]}",
                ["service_discovery:services:configured-service:endpoints:2:address"] = $"127.0.0.1:{ConfiguredPorts[2]}",
                ["service_discovery:services:configured-service:endpoints:2:zone"] = "zone-b",
                ["service_discovery:cache_ttl"] = _cacheTtl is { } ttl ? ttl.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
            })
            .Build();
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton(Time);
            silo.Services.AddLogging(logging => logging.AddProvider(new FakeLoggerProvider(ServiceGrainLogs)));
            silo.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Time));

            // The silo's own maintenance loops stay on real time; only grain timers follow the fake clock.
            silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            silo.Services.Configure<ServiceDiscoveryOptions>(options =>
            {
                options.Services[RoundRobinService] = new ServiceOptions { Algorithm = LoadBalancingAlgorithms.RoundRobin };
                options.Services[LeastConnectionsService] = new ServiceOptions { Algorithm = LoadBalancingAlgorithms.LeastConnections };
                options.Services["configured-empty"] = new ServiceOptions();
                options.Services[CappedService] = new ServiceOptions
                {
                    Algorithm = LoadBalancingAlgorithms.RoundRobin,
                    Fleet = new FleetControlOptions { MaxEjectionPercent = 25, PanicThreshold = 0 },
                };
                foreach (var name in new[] { SlowStartService, SlowStartBreakerService })
                {
                    options.Services[name] = new ServiceOptions
                    {
                        Algorithm = LoadBalancingAlgorithms.WeightedRandom,
                        Fleet = new FleetControlOptions { SlowStart = TimeSpan.FromSeconds(60), SlowStartMinWeightPercent = 10 },
                    };
                }
                options.Services[FailFastService] = new ServiceOptions { Fleet = new FleetControlOptions { PanicMode = PanicModes.FailFast } };
            });
            silo.AddServiceDiscovery(configuration);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }
    }

    /// <summary>
    /// Sets one configuration key of both silos (null removes it) and reloads, as a hot reload of
    /// config.yaml does. Tests that change a shared key put it back in a <c>finally</c>.
    /// </summary>
    public void Reconfigure(string key, string? value)
    {
        _configuration[key] = value;
        _configuration.Reload();
    }

    /// <summary>
    /// Deactivates <paramref name="grain"/> (as a silo that shuts down would, with its state written) and waits
    /// until no silo holds it; the next call activates it again from storage.
    /// </summary>
    public async Task DeactivateAsync(IAddressable grain)
    {
        await grain.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await DeactivatedAsync(grain, "the grain to deactivate");
    }

    /// <summary>Waits until no silo holds an activation of <paramref name="grain"/> (<paramref name="what"/> names why it should go).</summary>
    public Task DeactivatedAsync(IAddressable grain, string what)
    {
        var grainId = grain.GetGrainId();
        return Eventually.MatchAsync(() => Task.FromResult(Cluster.TryGetGrainContext(grainId, out _)), active => !active, what);
    }

    /// <summary>Publishes a set through every silo's catalog, as every silo's sources would.</summary>
    public async Task PublishAsync(string service, long version, params ServiceEndpoint[] endpoints)
    {
        var update = new EndpointSetUpdate("test", version, [.. endpoints], Time.GetUtcNow());
        foreach (var silo in Cluster.Silos)
        {
            await silo.ServiceProvider.GetRequiredService<EndpointCatalog>().PublishAsync(service, update);
        }
    }

    /// <summary>Advances the fake clock off the test thread, since due timer callbacks run inline.</summary>
    public Task AdvanceAsync(TimeSpan by) => Task.Run(() => Time.Advance(by)).WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>
    /// Moves the fake clock forward one step at a time until <paramref name="condition"/> holds.
    /// Grain timers re-arm only after their callback's I/O finishes, so a single large step can
    /// race with that re-arm; small steps with a pause for the silo cannot.
    /// </summary>
    public async Task AdvanceUntilAsync(Func<bool> condition, TimeSpan step, string what, int maxSteps = 200)
    {
        for (var i = 0; i < maxSteps && !condition(); i++)
        {
            await AdvanceAsync(step);
            await Task.Delay(5);
        }

        if (!condition())
        {
            throw new TimeoutException($"Advanced the clock {maxSteps} × {step} without {what}.");
        }
    }

    public static ServiceEndpoint Ready(int port, string? zone = null, int weight = 1) =>
        new("127.0.0.1", port, EndpointConditions.ReadyToServe, zone, Weight: weight);

    public static ImmutableArray<string> Ids(params ServiceEndpoint[] endpoints) => [.. endpoints.Select(e => e.InstanceId)];
}

[CollectionDefinition(Name)]
public sealed class DiscoveryClusterCollection : ICollectionFixture<DiscoveryClusterFixture>
{
    public const string Name = "Discovery cluster";
}

/// <summary>
/// The discovery cluster with an hour-long <c>cache_ttl</c>: service grains never refresh their instance
/// grains during a test, so a test sees what instance grains do by themselves.
/// </summary>
public sealed class QuietRefreshClusterFixture() : DiscoveryClusterFixture(TimeSpan.FromHours(1));

[CollectionDefinition(Name)]
public sealed class QuietRefreshClusterCollection : ICollectionFixture<QuietRefreshClusterFixture>
{
    public const string Name = "Discovery cluster without service-grain refreshes";
}
