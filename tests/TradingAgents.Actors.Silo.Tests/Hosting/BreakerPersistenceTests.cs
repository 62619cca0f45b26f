using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Routing;
using TradingAgents.Actors.Tests.Infrastructure;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.Hosting;

/// <summary>
/// Issue 9 item 7: breaker state survives the loss of the silo that held it. A circuit opened through
/// gateway A (its own process, holding the instance grain) is still open, with the same end of its open
/// period, on gateway B after A is SIGKILLed and the grain re-activates on B from the Redis grain storage.
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
            ("service_discovery:circuit_breaker:recovery_timeout", "12"));

        // Started alone, A's silo activates the service and instance grains.
        await using var gatewayA = await GatewayProcessHost.StartAsync(settings);
        await using var gatewayB = await GatewayTestHost.StartAsync(settings);
        var grains = gatewayB.Services.GetRequiredService<IGrainFactory>();
        var management = grains.GetGrain<IManagementGrain>(0);
        await Eventually.MatchAsync(async () => (await management.GetHosts(onlyActive: true)).Count, n => n == 2, "both silos to be active members");

        var broken = backends[0];
        var brokenId = $"127.0.0.1:{broken.Port}";
        var instance = grains.GetGrain<IInstanceGrain>(InstanceKey.Format("data-service", brokenId));
        var siloB = gatewayB.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        Assert.NotEqual(siloB, await management.GetActivationAddress(instance));

        // Through A: the broken instance answers 500, A retries the GETs on the other one, and five
        // failures in a row in A's outcome stream open the circuit.
        broken.Faults.ErrorRate = 1;
        var before = await Eventually.MatchAsync(
            async () =>
            {
                using var response = await gatewayA.Client.GetAsync(new Uri(Stock, UriKind.Relative));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return await instance.GetDetailsAsync();
            },
            d => d.Status.Circuit == CircuitState.Open,
            "A's failures to open the circuit",
            TimeSpan.FromSeconds(20));
        var openUntil = before.OpenUntil;
        Assert.NotNull(openUntil);
        var routerB = gatewayB.Services.GetRequiredService<ServiceRouters>().Get("data-service");
        await Eventually.MatchAsync(
            () => Task.FromResult(routerB.Snapshot.Instances.Single(i => i.InstanceId == brokenId).Circuit),
            c => c == CircuitState.Open,
            "B's router to get the open circuit pushed");
        var epochBefore = routerB.Snapshot.Epoch;

        await gatewayA.KillAsync();

        // The grains re-activate on B's silo; its router gets the new epoch's snapshot.
        var restored = await Eventually.MatchAsync(
            () => Task.FromResult(routerB.Snapshot),
            s => s.Epoch != epochBefore,
            "the service grain to re-activate on B and push a new epoch",
            TimeSpan.FromSeconds(20));
        var details = await instance.GetDetailsAsync();
        Assert.NotEqual(before.Status.Incarnation, details.Status.Incarnation);
        Assert.Equal(siloB, await management.GetActivationAddress(instance));
        Assert.Contains(details.History, t => t.What.Contains("restored", StringComparison.Ordinal));
        Assert.True(
            DateTimeOffset.UtcNow < openUntil.Value - TimeSpan.FromSeconds(1),
            $"The re-activation took until {DateTimeOffset.UtcNow:O}, too close to the open period's end {openUntil:O} to check it.");

        // Still within the original open period: open, with the same end (not a fresh period, and not closed).
        Assert.Equal(CircuitState.Open, details.Status.Circuit);
        Assert.Equal(openUntil, details.OpenUntil);
        Assert.Equal(CircuitState.Open, restored.Instances.Single(i => i.InstanceId == brokenId).Circuit);

        // B sends it no traffic while open.
        broken.ResetCounters();
        for (var i = 0; i < 10 && DateTimeOffset.UtcNow < openUntil.Value - TimeSpan.FromSeconds(1); i++)
        {
            using var response = await gatewayB.Client.GetAsync(new Uri(Stock, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(backends[1].InstanceName, response.Headers.GetValues(DemoBackend.InstanceHeader).Single());
        }

        Assert.Equal(0, broken.TotalRequests);

        // The half-open timing continues from the persisted end of the open period, not from the re-activation.
        var halfOpen = await Eventually.MatchAsync(
            () => Task.FromResult(routerB.Snapshot.Instances.Single(i => i.InstanceId == brokenId).Circuit),
            c => c == CircuitState.HalfOpen,
            "the circuit to turn half-open at the end of the original open period",
            TimeSpan.FromSeconds(20));
        var seenAt = DateTimeOffset.UtcNow;
        Assert.Equal(CircuitState.HalfOpen, halfOpen);
        Assert.True(seenAt >= openUntil.Value, $"Half-open at {seenAt:O}, before the open period's end {openUntil:O}.");
    }
}
