using TradingAgents.Actors.Routing;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Tests.Infrastructure;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.Hosting;

[Collection(GatewayCollection.Name)]
public sealed class RedisClusteringTests
{
    [Fact]
    public async Task TwoGateways_RedisMembership_FormOneClusterWithFleetWideBreakerState()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 2);
        var settings = RedisCluster.Settings(redis, backends, ("service_discovery:services:data-service:algorithm", "round_robin"));

        await using var first = await GatewayTestHost.StartAsync(settings);
        await using var second = await GatewayTestHost.StartAsync(settings);

        await RedisCluster.JoinedAsync(first.Services.GetRequiredService<IGrainFactory>(), 2);

        // Five failures reported through the first gateway's silo open the circuit for the whole
        // fleet: the second gateway no longer sends traffic to that instance.
        var broken = backends[0];
        var instanceId = $"127.0.0.1:{broken.Port}";
        var instance = first.Services.GetRequiredService<IGrainFactory>().GetGrain<IInstanceGrain>(InstanceKey.Format("data-service", instanceId));
        await first.Client.GetAsync(new Uri("/data-service/health", UriKind.Relative));
        var generation = (await instance.GetDetailsAsync()).Status.BreakerGeneration;
        await instance.ReportOutcomesAsync(new OutcomeReport(
            "test-reporter",
            1,
            [.. Enumerable.Repeat(new OutcomeEntry(OutcomeKind.Failure, 1, TimeSpan.FromMilliseconds(1), generation, Error: "HTTP 500"), 5)]));

        // The instance grain pushes to the service grain one-way, and the service grain pushes to every
        // router: the fleet view arrives within milliseconds, not within the report's call.
        var circuit = await Eventually.MatchAsync(
            async () =>
            {
                using var snapshot = await second.Client.GetAsync(new Uri("/api/discovery/services/data-service", UriKind.Relative));
                var json = await snapshot.Content.ReadFromJsonAsync<JsonElement>();
                return json.GetProperty("instances").EnumerateArray()
                    .Single(i => i.GetProperty("instanceId").GetString() == instanceId)
                    .GetProperty("circuit").GetString();
            },
            c => string.Equals(c, "open", StringComparison.OrdinalIgnoreCase),
            "the open circuit to reach the service grain");
        Assert.Equal("open", circuit, ignoreCase: true);
        var router = second.Services.GetRequiredService<ServiceRouters>().Get("data-service");
        await Eventually.MatchAsync(
            () => Task.FromResult(router.Snapshot.Instances.Single(i => i.InstanceId == instanceId).Circuit),
            c => c == CircuitState.Open,
            "the second gateway's router to get the open circuit pushed");

        for (var i = 0; i < 10; i++)
        {
            using var response = await second.Client.GetAsync(new Uri("/data-service/api/v1/data/stock?symbol=AAPL&period=1d", UriKind.Relative));
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(backends[1].InstanceName, response.Headers.GetValues(DemoBackend.InstanceHeader).Single());
        }
    }
}
