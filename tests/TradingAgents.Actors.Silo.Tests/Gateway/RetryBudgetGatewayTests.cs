using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Routing;
using TradingAgents.Actors.Tests.Infrastructure;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.Gateway;

/// <summary>
/// Issue 12.3: the fleet-wide retry budget during a full outage of a service (every instance answers
/// 500; the breaker is set out of reach so that only the budget limits retries). Attempts are counted
/// by the backends themselves.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class RetryBudgetGatewayTests
{
    private const string Stock = "/data-service/api/v1/data/stock?symbol=AAPL&period=1d";

    [Fact]
    public async Task Forward_BudgetExhausted_AnswersWithTheFailedAttemptAndRefusesFurtherRetries()
    {
        await using var backends = await FailingBackendsAsync(2);

        // 0 × requests + 0.5/s × 10 s: five retries for the whole window.
        await using var gateway = await GatewayTestHost.StartAsync(Settings(backends, ratio: "0", minPerSecond: "0.5"));
        var router = gateway.Services.GetRequiredService<ServiceRouters>().Get("data-service");
        await Eventually.MatchAsync(() => Task.FromResult(router.RetryBudget.Mode), m => m == "fleet", "the router to hold a grant from the service grain");

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 30; i++)
        {
            using var response = await gateway.Client.GetAsync(new Uri(Stock, UriKind.Relative));

            // Retried or not, the client gets the instances' own status.
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        }

        var elapsed = clock.Elapsed;
        var attempts = backends.Instances.Sum(b => b.TotalRequests);
        var budget = router.RetryBudget;
        Assert.Equal(30, budget.Requests);
        Assert.Equal(attempts - 30, budget.Allowed);
        Assert.InRange(budget.Allowed, 1, 5 * Windows(elapsed));
        Assert.True(budget.Refused >= 30 - budget.Allowed, $"refused {budget.Refused}");

        // The gateway's API and the fleet's view (the service grain, after the next report) say the same.
        using var routers = await gateway.Client.GetAsync(new Uri("/api/discovery/routers", UriKind.Relative));
        var summary = (await routers.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Single(r => r.GetProperty("service").GetString() == "data-service").GetProperty("retryBudget");
        Assert.Equal("fleet", summary.GetProperty("mode").GetString());
        Assert.Equal(budget.Allowed, summary.GetProperty("allowed").GetInt64());
        Assert.True(summary.GetProperty("refused").GetInt64() > 0);
        var service = gateway.Services.GetRequiredService<IGrainFactory>().GetGrain<IServiceGrain>("data-service");
        var fleet = await Eventually.MatchAsync(
            async () => (await service.GetSnapshotAsync()).RetryBudget,
            b => b is not null && b.Requests == 30 && b.Retries == budget.Allowed,
            "the service grain to count this gateway's requests and retries");
        Assert.Equal(1, fleet!.Reporters);
    }

    [Fact]
    public async Task TwoGateways_FullOutage_ShareOneBudget()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var backends = await FailingBackendsAsync(2);
        var clusterId = $"budget-{Guid.NewGuid():N}";
        Dictionary<string, string?> Redis() => RedisCluster.Join(redis, Settings(backends, ratio: "0.2", minPerSecond: "1"), clusterId);

        await using var first = await GatewayTestHost.StartAsync(Redis());
        await using var second = await GatewayTestHost.StartAsync(Redis());
        var routers = new[] { first, second }.Select(g => g.Services.GetRequiredService<ServiceRouters>().Get("data-service")).ToList();
        foreach (var router in routers)
        {
            // Both routers report to the one service grain of the cluster and hold grants from it.
            await Eventually.MatchAsync(() => Task.FromResult(router.RetryBudget.LastGrant?.Reporters), n => n == 2, "both routers to share the service grain's budget");
        }

        const int PerGateway = 150;
        var clock = Stopwatch.StartNew();
        var statuses = await Task.WhenAll(new[] { first, second }.SelectMany(g => Enumerable.Range(0, 4).Select(lane => SendAsync(g, PerGateway / 4 + (lane < PerGateway % 4 ? 1 : 0)))));
        var elapsed = clock.Elapsed;

        Assert.All(statuses.SelectMany(s => s), s => Assert.Equal(HttpStatusCode.InternalServerError, s));
        var requests = 2 * PerGateway;
        var retries = backends.Instances.Sum(b => b.TotalRequests) - requests;
        Assert.Equal(requests, routers.Sum(r => r.RetryBudget.Requests));
        Assert.Equal(retries, routers.Sum(r => r.RetryBudget.Allowed));

        // The fleet's allowance: ratio × requests + minimum × window (per window the test spanned).
        var allowance = (long)Math.Floor((0.2 * requests) + (1 * 10 * Windows(elapsed)));
        Assert.InRange(retries, 1, allowance);
        Assert.True(routers.Sum(r => r.RetryBudget.Refused) > 0);
        Assert.All(routers, r => Assert.True(r.RetryBudget.Allowed > 0, "each gateway got a share of the fleet's budget"));
    }

    /// <summary>Sliding windows of 10 s the run touched: the minimum is granted once per window.</summary>
    private static int Windows(TimeSpan elapsed) => (int)Math.Ceiling(elapsed.TotalSeconds / 10) + 1;

    private static async Task<List<HttpStatusCode>> SendAsync(GatewayTestHost gateway, int count)
    {
        var statuses = new List<HttpStatusCode>(count);
        for (var i = 0; i < count; i++)
        {
            using var response = await gateway.Client.GetAsync(new Uri(Stock, UriKind.Relative));
            statuses.Add(response.StatusCode);
        }

        return statuses;
    }

    private static async Task<Backends> FailingBackendsAsync(int count)
    {
        var backends = await Backends.StartAsync(DemoServiceKind.DataService, count);
        foreach (var backend in backends.Instances)
        {
            backend.Faults.ErrorRate = 1;
        }

        return backends;
    }

    private static Dictionary<string, string?> Settings(Backends backends, string ratio, string minPerSecond) =>
        new(GatewayTestHost.Endpoints("data-service", backends.Addresses))
        {
            ["service_discovery:services:data-service:retry_budget:ratio"] = ratio,
            ["service_discovery:services:data-service:retry_budget:min_retries_per_second"] = minPerSecond,
            ["service_discovery:services:data-service:retry_budget:window"] = "10",

            // Out of reach: the breaker would otherwise end the outage's traffic and hide the budget.
            ["service_discovery:circuit_breaker:failure_threshold"] = "1000000",
            ["Routing:RetryBudgetInterval"] = "00:00:00.200",
            ["Cluster:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        };
}
