using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Routing;
using TradingAgents.Actors.Tests.Infrastructure;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.Gateway;

/// <summary>
/// Issue 12.4: a gateway in zone-a with real backends in zone-a and zone-b (static endpoints carry
/// their zone) keeps traffic in its zone, spills to every zone when its zone degrades, and comes back.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ZoneAffinityGatewayTests
{
    private const string Stock = "/data-service/api/v1/data/stock?symbol=AAPL&period=1d";

    [Fact]
    public async Task Forward_LocalZoneDegradesAndRecovers_SpillsToEveryZoneAndComesBack()
    {
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 4);
        var zones = new[] { "zone-a", "zone-a", "zone-b", "zone-b" };
        var settings = new Dictionary<string, string?>
        {
            ["Routing:Zone"] = "zone-a",
            ["service_discovery:services:data-service:algorithm"] = "round_robin",
            ["service_discovery:zone_affinity:min_healthy_share"] = "0.75",
            ["service_discovery:circuit_breaker:recovery_timeout"] = "1",
        };
        for (var i = 0; i < backends.Instances.Count; i++)
        {
            settings[$"service_discovery:services:data-service:endpoints:{i}:address"] = $"127.0.0.1:{backends[i].Port}";
            settings[$"service_discovery:services:data-service:endpoints:{i}:zone"] = zones[i];
        }

        await using var gateway = await GatewayTestHost.StartAsync(settings);
        var router = gateway.Services.GetRequiredService<ServiceRouters>().Get("data-service");
        var (a1, a2, b1, b2) = (backends[0].InstanceName, backends[1].InstanceName, backends[2].InstanceName, backends[3].InstanceName);

        // Healthy: every request stays in the gateway's zone.
        Assert.Equal([a1, a2], (await ServedByAsync(gateway, 40)).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(LocalityTier.Zone, router.LocalityDecision.Tier);

        // a1 fails until its circuit opens: zone-a has 1 of 2 selectable, under the 75% asked for.
        backends[0].Faults.ErrorRate = 1;
        var a1Id = $"127.0.0.1:{backends[0].Port}";
        await Eventually.MatchAsync(
            async () =>
            {
                await ServedByAsync(gateway, 5);
                return router.Snapshot.Instances.Single(i => i.InstanceId == a1Id).Circuit;
            },
            c => c == CircuitState.Open,
            "a1's circuit to open");

        var spilled = await ServedByAsync(gateway, 60);
        Assert.Equal([a2, b1, b2], spilled.Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(LocalityTier.All, router.LocalityDecision.Tier);
        var locality = await LocalityAsync(gateway);
        Assert.Equal("zone-a", locality.GetProperty("zone").GetString());
        Assert.Equal("config", locality.GetProperty("zoneSource").GetString());
        Assert.Equal("all", locality.GetProperty("tier").GetString());
        var zoneB = locality.GetProperty("zones").EnumerateArray().Single(z => z.GetProperty("zone").GetString() == "zone-b");
        Assert.Equal(2, zoneB.GetProperty("selectable").GetInt32());
        Assert.True(zoneB.GetProperty("picks").GetInt64() >= spilled.Count(s => s == b1 || s == b2));

        // a1 is well again: its half-open trial succeeds, the circuit closes, traffic returns to zone-a.
        backends[0].Faults.ErrorRate = 0;
        await Eventually.MatchAsync(
            async () =>
            {
                await ServedByAsync(gateway, 5);
                return router.LocalityDecision.Tier;
            },
            t => t == LocalityTier.Zone,
            "zone-a to be selectable again");
        Assert.Equal([a1, a2], (await ServedByAsync(gateway, 40)).Distinct().Order(StringComparer.Ordinal));
    }

    private static async Task<List<string>> ServedByAsync(GatewayTestHost gateway, int count)
    {
        var served = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            using var response = await gateway.Client.GetAsync(new Uri(Stock, UriKind.Relative));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                served.Add(response.Headers.GetValues(DemoBackend.InstanceHeader).Single());
            }
        }

        return served;
    }

    private static async Task<JsonElement> LocalityAsync(GatewayTestHost gateway)
    {
        using var response = await gateway.Client.GetAsync(new Uri("/api/discovery/routers", UriKind.Relative));
        var routers = await response.Content.ReadFromJsonAsync<JsonElement>();
        return routers.EnumerateArray().Single(r => r.GetProperty("service").GetString() == "data-service").GetProperty("locality");
    }
}
