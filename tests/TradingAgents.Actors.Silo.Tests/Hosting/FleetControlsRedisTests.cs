using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Routing;
using TradingAgents.Actors.Tests.Infrastructure;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.Hosting;

/// <summary>The fleet-wide controls of issue 12 with two gateways in one cluster on a real redis-server.</summary>
[Collection(GatewayCollection.Name)]
public sealed class FleetControlsRedisTests
{
    private static Dictionary<string, string?> Settings(RedisServer redis, string clusterId, Backends backends, params (string Key, string Value)[] extra)
    {
        var settings = RedisCluster.Join(redis, GatewayTestHost.Endpoints("data-service", backends.Addresses), clusterId);
        settings["service_discovery:services:data-service:algorithm"] = "round_robin";
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static Task JoinedAsync(GatewayTestHost first) => RedisCluster.JoinedAsync(first.Services.GetRequiredService<IGrainFactory>(), 2);

    /// <summary>Five failures of one reporter, sent through <paramref name="gateway"/>'s own silo, as its router would.</summary>
    private static async Task FailFiveTimesAsync(GatewayTestHost gateway, string instanceId, string reporter)
    {
        var instance = gateway.Services.GetRequiredService<IGrainFactory>().GetGrain<IInstanceGrain>(InstanceKey.Format("data-service", instanceId));
        var generation = (await instance.GetDetailsAsync()).Status.BreakerGeneration;
        await instance.ReportOutcomesAsync(new OutcomeReport(
            reporter,
            1,
            [.. Enumerable.Repeat(new OutcomeEntry(OutcomeKind.Failure, 1, TimeSpan.FromMilliseconds(1), generation, Error: "HTTP 500"), 5)]));
    }

    [Fact]
    public async Task TwoGateways_EachSeesOneInstanceFail_OneEjectionLimitForTheFleet()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 4);
        var clusterId = $"fleet-cap-{Guid.NewGuid():N}";

        // 25 % of four instances: one may be ejected. Panic is off so that only the cap acts.
        (string, string)[] fleet = [("service_discovery:load_balancing:max_ejection_percent", "25"), ("service_discovery:load_balancing:panic_threshold", "0")];
        await using var first = await GatewayTestHost.StartAsync(Settings(redis, clusterId, backends, fleet));
        await using var second = await GatewayTestHost.StartAsync(Settings(redis, clusterId, backends, fleet));
        await JoinedAsync(first);
        await first.Client.GetAsync(new Uri("/data-service/health", UriKind.Relative));
        await second.Client.GetAsync(new Uri("/data-service/health", UriKind.Relative));

        // Each gateway sees a different instance fail five times. Per-process breakers would eject one instance in
        // each gateway, two for the fleet; here both failures reach the same grains and one limit holds.
        var (a, b) = ($"127.0.0.1:{backends[0].Port}", $"127.0.0.1:{backends[1].Port}");
        await FailFiveTimesAsync(first, a, "first-gateway-router");
        await FailFiveTimesAsync(second, b, "second-gateway-router");

        var service = await Eventually.MatchAsync(
            async () =>
            {
                using var response = await second.Client.GetAsync(new Uri("/api/discovery/services/data-service", UriKind.Relative));
                return await response.Content.ReadFromJsonAsync<JsonElement>();
            },
            json => json.GetProperty("instances").EnumerateArray().Count(i => i.GetProperty("circuit").GetString() == "open") == 2,
            "both circuits to be open in the service grain");
        Assert.Equal(2, service.GetProperty("ejectedInstances").GetInt32());
        Assert.Equal(1, service.GetProperty("ejectionLimit").GetInt32());
        Assert.Equal(1, service.GetProperty("cappedInstances").GetInt32());
        Assert.Equal(1, service.GetProperty("instances").EnumerateArray().Count(i => !i.GetProperty("selectable").GetBoolean()));

        // Both gateways' routers hold the same decision: exactly one instance out, the same one, for the fleet.
        var routers = new[] { first, second }.Select(g => g.Services.GetRequiredService<ServiceRouters>().Get("data-service")).ToList();
        foreach (var router in routers)
        {
            await Eventually.MatchAsync(
                () => Task.FromResult(router.Snapshot),
                s => s.Instances.Count(i => i.Circuit == CircuitState.Open) == 2,
                "the router to get both open circuits pushed");
        }

        var ejected = routers.Select(r => r.Snapshot.Instances.Single(i => i.Availability == InstanceAvailability.Unavailable).InstanceId).Distinct().ToList();
        Assert.Single(ejected);
        Assert.All(routers, r => Assert.Equal(3, r.Snapshot.Instances.Count(i => i.Availability == InstanceAvailability.Selectable)));

        // Traffic through either gateway reaches the three routable instances and never the ejected one.
        var ejectedName = backends.Instances.Single(b => $"127.0.0.1:{b.Port}" == ejected[0]).InstanceName;
        var served = new HashSet<string>(StringComparer.Ordinal);
        foreach (var gateway in new[] { first, second })
        {
            for (var i = 0; i < 9; i++)
            {
                using var response = await gateway.Client.GetAsync(new Uri("/data-service/api/v1/data/stock?symbol=AAPL&period=1d", UriKind.Relative));
                Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
                served.Add(response.Headers.GetValues(DemoBackend.InstanceHeader).Single());
            }
        }

        Assert.Equal(3, served.Count);
        Assert.DoesNotContain(ejectedName, served);
    }

    [Fact]
    public async Task TwoGateways_SlowStart_LaterGatewayKeepsTheRampAndBothRampTogether()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 2);
        var clusterId = $"fleet-ramp-{Guid.NewGuid():N}";
        (string, string)[] slowStart = [("service_discovery:services:data-service:slow_start", "600")];

        await using var first = await GatewayTestHost.StartAsync(Settings(redis, clusterId, backends, slowStart));
        var firstRouter = first.Services.GetRequiredService<ServiceRouters>().Get("data-service");
        await firstRouter.FirstSnapshot;
        var ramps = await Eventually.MatchAsync(
            () => Task.FromResult(firstRouter.Snapshot.Instances.Select(i => i.SlowStart).ToList()),
            r => r.Count == 2 && r.All(x => x is not null),
            "the first gateway's router to get both ramps");

        // The second gateway joins later: its router gets the ramps the instance grains started, not new ones.
        var secondStarted = DateTimeOffset.UtcNow;
        await using var second = await GatewayTestHost.StartAsync(Settings(redis, clusterId, backends, slowStart));
        await JoinedAsync(first);
        var secondRouter = second.Services.GetRequiredService<ServiceRouters>().Get("data-service");
        await secondRouter.FirstSnapshot;
        var secondRamps = secondRouter.Snapshot.Instances.Select(i => i.SlowStart).ToList();
        Assert.Equal(ramps, secondRamps);
        Assert.All(secondRamps, r => Assert.True(r!.Since < secondStarted, $"ramp started {r.Since:O}, after the second gateway ({secondStarted:O})"));

        // Both routers compute the same factor from their clocks (600 s window: 100 ms apart is 0.00017).
        foreach (var instance in firstRouter.Table.All)
        {
            var other = secondRouter.Table.ById[instance.InstanceId];
            Assert.Equal(instance.WeightFactor, other.WeightFactor, 0.002);
            Assert.InRange(instance.WeightFactor, 0.1, 0.2);
        }

        // The status page's data: each instance's ramp in percent.
        using var response = await second.Client.GetAsync(new Uri("/api/discovery/services/data-service", UriKind.Relative));
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.All(json.GetProperty("instances").EnumerateArray(), i => Assert.InRange(i.GetProperty("slowStartPercent").GetDouble(), 10, 20));
    }

    [Fact]
    public async Task TwoGateways_QuorumTwo_OneSickReporterCannotEjectButTwoFailingGatewaysDo()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 2);
        var clusterId = $"fleet-quorum-{Guid.NewGuid():N}";
        (string, string)[] quorum = [("service_discovery:circuit_breaker:quorum", "2")];
        await using var first = await GatewayTestHost.StartAsync(Settings(redis, clusterId, backends, quorum));
        await using var second = await GatewayTestHost.StartAsync(Settings(redis, clusterId, backends, quorum));
        await JoinedAsync(first);

        var x = backends[0];
        var xId = $"127.0.0.1:{x.Port}";
        var instance = first.Services.GetRequiredService<IGrainFactory>().GetGrain<IInstanceGrain>(InstanceKey.Format("data-service", xId));
        var path = new Uri("/data-service/api/v1/data/stock?symbol=AAPL&period=1d", UriKind.Relative);

        // Both gateways' routers use x: two reporters.
        await Eventually.MatchAsync(
            async () =>
            {
                foreach (var gateway in new[] { first, second })
                {
                    for (var i = 0; i < 2; i++)
                    {
                        using var response = await gateway.Client.GetAsync(path);
                    }

                    await gateway.Services.GetRequiredService<ServiceRouters>().Get("data-service").FlushAsync();
                }

                return (await instance.GetDetailsAsync()).Status.ActiveReporters;
            },
            reporters => reporters >= 2,
            "both gateways' routers to report outcomes for x");

        // A third reporter, sick on its own path, sees five failures in a row: with quorum 2 one reporter is not enough.
        var generation = (await instance.GetDetailsAsync()).Status.BreakerGeneration;
        await instance.ReportOutcomesAsync(new OutcomeReport(
            "sick-gateway-router",
            1,
            [.. Enumerable.Repeat(new OutcomeEntry(OutcomeKind.Failure, 1, TimeSpan.FromMilliseconds(1), generation, Error: "connection reset"), 5)]));
        var held = await instance.GetDetailsAsync();
        Assert.Equal(CircuitState.Closed, held.Status.Circuit);
        Assert.Equal(3, held.Status.ActiveReporters);

        var servedByX = 0;
        for (var i = 0; i < 6; i++)
        {
            using var response = await second.Client.GetAsync(path);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            servedByX += response.Headers.GetValues(DemoBackend.InstanceHeader).Single() == x.InstanceName ? 1 : 0;
        }

        Assert.True(servedByX > 0, "x kept taking traffic through the healthy gateway");

        // Now x fails for everyone: the gateways' own failures complete the quorum and the circuit opens fleet-wide.
        x.Faults.ErrorRate = 1.0;
        var opened = await Eventually.MatchAsync(
            async () =>
            {
                using var response = await second.Client.GetAsync(path);
                await second.Services.GetRequiredService<ServiceRouters>().Get("data-service").FlushAsync();
                return await instance.GetDetailsAsync();
            },
            d => d.Status.Circuit == CircuitState.Open,
            "the circuit to open once a second reporter fails");
        Assert.Contains("reporters failing, quorum 2", opened.Status.LastChangeReason, StringComparison.Ordinal);
    }
}
