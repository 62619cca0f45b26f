using System.Net;
using System.Text.Json;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Tests.Infrastructure;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.Hosting;

/// <summary>
/// Issue 9 item 7: breaker state survives the loss of the silo that held it. A circuit opened through
/// the gateway process whose silo holds the instance grain is still open, with the same end of its open
/// period, on the other gateway after the first is SIGKILLed and the grain re-activates from the Redis
/// grain storage; it turns half-open on the original schedule.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class BreakerPersistenceTests
{
    private const string Stock = "/data-service/api/v1/data/stock?symbol=AAPL&period=1d";

    [Fact]
    public async Task Breaker_SiloHoldingAnOpenCircuitKilled_SurvivorStillSeesItOpenAndItTurnsHalfOpenOnTheOriginalSchedule()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 2);
        var settings = RedisCluster.Settings(
            redis,
            backends,
            ("service_discovery:services:data-service:algorithm", "round_robin"),
            ("service_discovery:circuit_breaker:failure_threshold", "5"),
            ("service_discovery:circuit_breaker:recovery_timeout", "20"));
        await using var first = await GatewayProcessHost.StartAsync(settings);
        await using var second = await GatewayProcessHost.StartAsync(settings);
        await using var cluster = await RedisClusterClient.ConnectAsync(settings);
        await Eventually.MatchAsync(async () => (await cluster.Management.GetHosts(onlyActive: true)).Count, n => n == 2, "both silos to be active members");

        var broken = backends[0];
        var brokenId = $"127.0.0.1:{broken.Port}";
        var instance = cluster.Grains.GetGrain<IInstanceGrain>(InstanceKey.Format("data-service", brokenId));
        await instance.GetDetailsAsync();
        var hostPort = await cluster.SiloPortOfAsync(instance);
        var (holder, survivor) = hostPort == first.SiloPort ? (first, second) : (second, first);
        Assert.Equal(hostPort, holder.SiloPort);

        // Through the holder: the broken instance answers 500, the GETs are retried on the other one,
        // and five failures in a row in that gateway's outcome stream open the circuit.
        broken.Faults.ErrorRate = 1;
        var before = await Eventually.MatchAsync(
            async () =>
            {
                using var response = await holder.Client.GetAsync(new Uri(Stock, UriKind.Relative));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return await instance.GetDetailsAsync();
            },
            d => d.Status.Circuit == CircuitState.Open,
            "the holder's failures to open the circuit",
            TimeSpan.FromSeconds(20));
        var openUntil = before.OpenUntil;
        Assert.NotNull(openUntil);
        await Eventually.MatchAsync(() => CircuitSeenByAsync(survivor, brokenId), c => c == "open", "the survivor to see the circuit open");

        Assert.Equal(holder.SiloPort, await cluster.SiloPortOfAsync(instance));
        await holder.KillAsync();

        // The grain re-activates on the survivor's silo, restored from Redis.
        var details = await Eventually.MatchAsync(
            async () =>
            {
                try
                {
                    return await instance.GetDetailsAsync();
                }
                catch (Exception ex) when (ex is OrleansException or TimeoutException)
                {
                    // The killed silo's gateway or activation: the client moves on to the survivor.
                    return null;
                }
            },
            d => d is not null && d.Status.Incarnation != before.Status.Incarnation,
            "the instance grain to re-activate on the surviving silo",
            TimeSpan.FromSeconds(25));
        Assert.Equal(survivor.SiloPort, await cluster.SiloPortOfAsync(instance));
        Assert.Contains(details!.History, t => t.What.Contains("restored", StringComparison.Ordinal));
        Assert.True(
            DateTimeOffset.UtcNow < openUntil.Value - TimeSpan.FromSeconds(1),
            $"The re-activation took until {DateTimeOffset.UtcNow:O}, too close to the open period's end {openUntil:O} to check it.");

        // Still within the original open period: open, with the same end (not a fresh period, and not closed).
        Assert.Equal(CircuitState.Open, details.Status.Circuit);
        Assert.Equal(openUntil, details.OpenUntil);
        Assert.Equal("open", await CircuitSeenByAsync(survivor, brokenId));

        // The survivor sends it no traffic while open.
        broken.ResetCounters();
        for (var i = 0; i < 10 && DateTimeOffset.UtcNow < openUntil.Value - TimeSpan.FromSeconds(1); i++)
        {
            using var response = await survivor.Client.GetAsync(new Uri(Stock, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(backends[1].InstanceName, response.Headers.GetValues(DemoBackend.InstanceHeader).Single());
        }

        Assert.Equal(0, broken.TotalRequests);

        // The half-open timing continues from the persisted end of the open period, not from the re-activation.
        await Eventually.MatchAsync(() => CircuitSeenByAsync(survivor, brokenId), c => c == "halfOpen", "the circuit to turn half-open", TimeSpan.FromSeconds(20));
        var seenAt = DateTimeOffset.UtcNow;
        Assert.True(seenAt >= openUntil.Value, $"Half-open at {seenAt:O}, before the open period's end {openUntil:O}.");
    }

    /// <summary>The circuit of <paramref name="instanceId"/> as <paramref name="gateway"/>'s discovery API shows it.</summary>
    private static async Task<string?> CircuitSeenByAsync(GatewayProcessHost gateway, string instanceId)
    {
        using var snapshot = JsonDocument.Parse(await gateway.Client.GetStringAsync(new Uri("/api/discovery/services/data-service", UriKind.Relative)));
        return snapshot.RootElement.GetProperty("instances").EnumerateArray()
            .Single(i => i.GetProperty("instanceId").GetString() == instanceId)
            .GetProperty("circuit").GetString();
    }
}
