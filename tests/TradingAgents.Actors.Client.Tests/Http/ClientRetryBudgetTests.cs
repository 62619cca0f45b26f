using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TradingAgents.Actors.Client.Http;
using TradingAgents.Actors.Routing;
using TradingAgents.Actors.Tests.Infrastructure;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.Http;

/// <summary>Issue 12.3 in the client library: the retry handler spends the service's fleet-wide retry budget.</summary>
[Collection(ClientClusterCollection.Name)]
public sealed class ClientRetryBudgetTests(ClientClusterFixture fixture)
{
    [Fact]
    public async Task RetryHandler_BudgetExhausted_ReturnsTheFailedAttemptsResponse()
    {
        const string service = ClientClusterFixture.RetryBudgetService;
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 2, service);
        foreach (var backend in backends.All)
        {
            backend.Faults.ErrorRate = 1;
        }

        await fixture.PublishAsync(service, backends.All);
        await using var client = new ClientHost(fixture, services => services
            .AddHttpClient("budget", c => c.BaseAddress = new Uri($"http://{service}"))
            .AddServiceDiscovery(retry: true));
        var router = client.Services.GetRequiredService<ServiceRouters>().Get(service);
        await Eventually.MatchAsync(() => Task.FromResult(router.RetryBudget.Mode), m => m == "fleet", "the client's router to hold a grant from the service grain");
        var http = client.Services.GetRequiredService<IHttpClientFactory>().CreateClient("budget");

        // Three requests: five failures in all, short of the breaker's five in a row on one instance.
        for (var i = 0; i < 3; i++)
        {
            using var response = await http.GetAsync(new Uri("/api/v1/data/stock?symbol=AAPL&period=1d", UriKind.Relative));
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        }

        // 0 × requests + 0.2/s × 10 s: two retries for the whole fleet; max_retries (3) would have sent 12 attempts.
        var attempts = backends.All.Sum(b => b.TotalRequests);
        Assert.Equal(5, attempts);
        Assert.Equal(2, router.RetryBudget.Allowed);
        Assert.Equal(3, router.RetryBudget.Refused);
        Assert.Equal(3, router.RetryBudget.Requests);
    }
}
