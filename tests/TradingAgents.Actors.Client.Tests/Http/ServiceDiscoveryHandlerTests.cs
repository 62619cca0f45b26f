using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using TradingAgents.Actors.Client.Calls;
using TradingAgents.Actors.Client.Http;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Tests.Infrastructure;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.Http;

[Collection(ClientClusterCollection.Name)]
public sealed class ServiceDiscoveryHandlerTests(ClientClusterFixture fixture)
{
    private const string DataService = "data-service";

    [Fact]
    public async Task TypedClient_ThreeInstances_ReachesEveryInstanceInTurn()
    {
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 3, "typed-spread");
        await fixture.PublishAsync(DataService, backends.All);
        await using var client = new ClientHost(fixture, services => services
            .AddHttpClient<StockReader>(c => c.BaseAddress = new Uri("http://data-service"))
            .AddServiceDiscovery(retry: true));
        var reader = client.Services.GetRequiredService<StockReader>();

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < 9; i++)
        {
            using var response = await reader.GetAsync("AAPL");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var instance = Assert.Single(response.Headers.GetValues(DemoBackend.InstanceHeader));
            seen[instance] = seen.GetValueOrDefault(instance) + 1;
        }

        Assert.Equal(
            new Dictionary<string, int> { ["typed-spread-1"] = 3, ["typed-spread-2"] = 3, ["typed-spread-3"] = 3 },
            seen);
    }

    [Fact]
    public async Task TypedClient_DeadInstanceWithRetry_EveryRequestSucceedsOnAnotherInstance()
    {
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 3, "typed-dead");
        await fixture.PublishAsync(DataService, backends.All);
        await using var client = new ClientHost(fixture, services => services
            .AddHttpClient<StockReader>(c => c.BaseAddress = new Uri("http://data-service"))
            .AddServiceDiscovery(retry: true));
        var reader = client.Services.GetRequiredService<StockReader>();
        await backends[2].KillAsync();

        for (var i = 0; i < 12; i++)
        {
            using var response = await reader.GetAsync("MSFT");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.NotEqual(backends[2].Port, response.RequestMessage!.RequestUri!.Port);
        }

        Assert.Equal(12, backends[0].TotalRequests + backends[1].TotalRequests);
        await client.FlushOutcomesAsync();
        var dead = await fixture.GetStatusAsync(DataService, backends[2]);
        Assert.InRange(dead.CompletedCalls, 1, 5);
        Assert.Equal(dead.CompletedCalls, dead.ConsecutiveFailures);
        Assert.Equal(dead.CompletedCalls, client.Metrics.Snapshot().For(DataService).Retries);
    }

    [Fact]
    public async Task NamedClient_OuterResilienceHandler_RetriesOnADifferentInstance()
    {
        const string service = "handler-outer-retry";
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 2, service);
        await fixture.PublishAsync(service, backends.All);
        await using var client = new ClientHost(fixture, services =>
        {
            // The resilience handler first, so that it sits outside discovery and each resend is resolved anew.
            var http = services.AddHttpClient("outer", c => c.BaseAddress = new Uri($"http://{service}"));
            http.AddResilienceHandler("retry", pipeline => pipeline.AddRetry(new HttpRetryStrategyOptions { Delay = TimeSpan.Zero, MaxRetryAttempts = 1 }));
            http.AddServiceDiscovery();
        });
        var http = client.Services.GetRequiredService<IHttpClientFactory>().CreateClient("outer");
        await backends[0].KillAsync();

        // With one retry, every call that first lands on the dead instance must be resent to the live one.
        for (var i = 0; i < 6; i++)
        {
            using var response = await http.GetAsync(new Uri("/api/v1/data/stock?symbol=IBM&period=1d", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(6, backends[1].TotalRequests);
        await client.FlushOutcomesAsync();
        var dead = await fixture.GetStatusAsync(service, backends[0]);
        Assert.InRange(dead.CompletedCalls, 1, 5);
        var counts = client.Metrics.Snapshot().For(service);
        Assert.Equal(6, counts.ServiceCalls);
        Assert.Equal(dead.CompletedCalls, counts.Retries);
        Assert.Equal(0, counts.Failures);
    }

    [Fact]
    public async Task NamedClient_DeadInstanceWithoutRetry_ThrowsConnectionErrorNamingTheInstance()
    {
        const string service = "handler-no-retry";
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 1, service);
        await fixture.PublishAsync(service, backends.All);
        await using var client = new ClientHost(fixture, services => services
            .AddHttpClient("plain", c => c.BaseAddress = new Uri($"http://{service}"))
            .AddServiceDiscovery());
        var http = client.Services.GetRequiredService<IHttpClientFactory>().CreateClient("plain");
        await backends[0].KillAsync();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri("/health", UriKind.Relative)));

        var instance = ClientClusterFixture.InstanceIdOf(backends[0]);
        Assert.Equal(HttpRequestError.ConnectionError, error.HttpRequestError);
        Assert.StartsWith($"Call to service '{service}' instance {instance} failed: ", error.Message, StringComparison.Ordinal);
        await client.FlushOutcomesAsync();
        var status = await fixture.GetStatusAsync(service, backends[0]);
        Assert.Equal(1, status.ConsecutiveFailures);
        var counts = client.Metrics.Snapshot().For(service);
        Assert.Equal((1L, 1L, 0L), (counts.ServiceCalls, counts.Failures, counts.Retries));
    }

    [Fact]
    public async Task NamedClient_ServiceWithNoEndpoints_ThrowsServiceUnavailableWithTheGrainsReason()
    {
        const string service = "handler-emptied";
        await fixture.PublishAsync(service);
        await using var client = new ClientHost(fixture, services => services
            .AddHttpClient("emptied", c => c.BaseAddress = new Uri($"http://{service}"))
            .AddServiceDiscovery(retry: true));
        var http = client.Services.GetRequiredService<IHttpClientFactory>().CreateClient("emptied");

        var error = await Assert.ThrowsAsync<ServiceUnavailableException>(() => http.GetAsync(new Uri("/x", UriKind.Relative)));

        Assert.Equal(SelectionStatus.NoEndpoints, error.Status);
        Assert.Equal($"Service '{service}' has no endpoints: Service '{service}' is known but no source lists any endpoint for it.", error.Message);
        Assert.Equal(0, client.Metrics.Snapshot().For(service).Retries);
    }
}
