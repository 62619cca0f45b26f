using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;
using Orleans.TestingHost;
using StackExchange.Redis;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Hosting;
using TradingAgents.Actors.Routing;
using TradingAgents.Actors.Tests.Infrastructure;

namespace TradingAgents.Actors.Tests.Grains;

/// <summary>
/// Issue 9 item 7 with the production storage: breaker state kept in a real redis-server survives the
/// loss of the silo whose activation opened the circuit.
/// </summary>
public sealed class InstanceGrainRedisPersistenceTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private RedisServer _redis = null!;
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        var builder = new InProcessTestClusterBuilder(2);
        var connection = _redis.ConnectionString;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton(_time);
            silo.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(_time));
            silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            silo.AddRedisGrainStorage(
                ServiceDiscoveryHostingExtensions.BreakerStorageName,
                options => options.ConfigurationOptions = ConfigurationOptions.Parse(connection));
            silo.AddServiceDiscovery(new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["service_discovery:load_balancing:slow_start"] = "120" })
                .Build());
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task OpenCircuit_SiloThatHeldItStops_ANewActivationElsewhereReadsItFromRedis()
    {
        var (grain, holder) = await GrainOnSecondarySiloAsync();
        for (var i = 0; i < 5; i++)
        {
            await Outcomes.ReportAsync(grain, OutcomeKind.Failure, TimeSpan.FromMilliseconds(3), reporter: "gw-redis", error: "HTTP 500");
        }

        var opened = await grain.GetDetailsAsync();
        Assert.Equal(CircuitState.Open, opened.Status.Circuit);

        await _cluster.StopSiloAsync(holder);

        var restored = await grain.GetDetailsAsync();
        var management = _cluster.Client.GetGrain<IManagementGrain>(0);
        Assert.NotEqual(holder.SiloAddress, await management.GetActivationAddress(grain));
        Assert.NotEqual(opened.Status.Incarnation, restored.Status.Incarnation);
        Assert.Equal(CircuitState.Open, restored.Status.Circuit);
        Assert.Equal(1, restored.Status.BreakerGeneration);
        Assert.Equal(opened.OpenUntil, restored.OpenUntil);
        Assert.Equal(opened.Status.LastChangeReason, restored.History[^1].Reason.Split("last cause: ")[1]);
    }

    [Fact]
    public async Task OperatorEject_SiloThatHeldItStops_ANewActivationElsewhereKeepsTheOverrideAndTheHistory()
    {
        // Issue 12 item 5: the operator's override and the history are kept across silo loss.
        var (grain, holder) = await GrainOnSecondarySiloAsync();
        await Outcomes.ReportAsync(grain, OutcomeKind.Backpressure, TimeSpan.FromMilliseconds(3), reporter: "gw-redis", error: "HTTP 429", retryAfter: TimeSpan.FromSeconds(2));
        var ejected = await grain.ApplyOperatorActionAsync(new OperatorActionRequest(OperatorAction.Eject, "alice", "bad deploy"));

        await _cluster.StopSiloAsync(holder);

        var restored = await grain.GetDetailsAsync();
        Assert.NotEqual(ejected.Status.Incarnation, restored.Status.Incarnation);
        Assert.Equal(ejected.Status.Override, restored.Status.Override);
        // The new activation adds its own line: the breaker (persisted with the slow-start ramp) was read back.
        Assert.Equal(["backpressure", "operator eject", "circuit Closed restored"], restored.History.Select(h => h.What));
        Assert.Equal(["backpressure", "alice", "storage"], restored.History.Select(h => h.By));
    }

    [Fact]
    public async Task SlowStartRamp_SiloThatHeldItStops_ANewActivationKeepsTheRampStart()
    {
        var (grain, holder) = await GrainOnSecondarySiloAsync();
        var started = (await grain.GetDetailsAsync()).Status.RampStartedAt;
        Assert.Equal(_time.GetUtcNow(), started);

        _time.Advance(TimeSpan.FromSeconds(45));
        await _cluster.StopSiloAsync(holder);

        var restored = await grain.GetDetailsAsync();
        Assert.NotEqual(holder.SiloAddress, await _cluster.Client.GetGrain<IManagementGrain>(0).GetActivationAddress(grain));
        Assert.Equal(started, restored.Status.RampStartedAt);
    }

    /// <summary>An instance grain whose activation is on a silo other than the first, so stopping it leaves the cluster running.</summary>
    private async Task<(IInstanceGrain Grain, InProcessSiloHandle Holder)> GrainOnSecondarySiloAsync()
    {
        var management = _cluster.Client.GetGrain<IManagementGrain>(0);
        var primary = _cluster.Silos[0].SiloAddress;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var endpoint = new ServiceEndpoint("127.0.0.1", 9400 + attempt, EndpointConditions.ReadyToServe);
            var grain = _cluster.Client.GetGrain<IInstanceGrain>(InstanceKey.Format($"redis-{Guid.NewGuid():N}", endpoint.InstanceId));
            await grain.ConfigureAsync(endpoint);
            var address = await management.GetActivationAddress(grain);
            if (address is not null && !address.Equals(primary))
            {
                return (grain, _cluster.Silos.Single(s => s.SiloAddress.Equals(address)));
            }
        }

        throw new InvalidOperationException("No instance grain was placed on the second silo in 50 tries.");
    }
}
