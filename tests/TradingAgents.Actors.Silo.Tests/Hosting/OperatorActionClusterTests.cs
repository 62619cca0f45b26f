using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using TradingAgents.Actors.Routing;
using TradingAgents.Actors.Tests.Infrastructure;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.Hosting;

/// <summary>Issue 12 item 5: an operator action taken on one gateway holds for the whole fleet (two gateways, one redis-server).</summary>
[Collection(GatewayCollection.Name)]
public sealed class OperatorActionClusterTests
{
    [Fact]
    public async Task Eject_OnOneGateway_TheOtherGatewayStopsRoutingThereToo()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 2);
        var settings = RedisCluster.Settings(redis, backends, ("service_discovery:services:data-service:algorithm", "round_robin"));

        await using var first = await GatewayTestHost.StartAsync(settings);
        await using var second = await GatewayTestHost.StartAsync(settings);
        await RedisCluster.JoinedAsync(first.Services.GetRequiredService<IGrainFactory>(), 2);

        var ejected = $"127.0.0.1:{backends[0].Port}";
        using var response = await first.Client.PostAsJsonAsync(
            new Uri($"/api/discovery/services/data-service/instances/{ejected}/eject", UriKind.Relative),
            new { reason = "suspected memory leak", by = "alice" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var router = second.Services.GetRequiredService<ServiceRouters>().Get("data-service");
        var seen = await Eventually.MatchAsync(
            () => Task.FromResult(router.Snapshot.Instances.Single(i => i.InstanceId == ejected)),
            i => i.Availability == InstanceAvailability.Unavailable,
            "the second gateway's router to get the ejection");
        Assert.Equal("ejected by alice: suspected memory leak", seen.Reason);
        for (var i = 0; i < 10; i++)
        {
            using var proxied = await second.Client.GetAsync(new Uri("/data-service/api/v1/data/stock?symbol=AAPL&period=1d", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
            Assert.Equal(backends[1].InstanceName, proxied.Headers.GetValues(DemoBackend.InstanceHeader).Single());
        }
    }
}
