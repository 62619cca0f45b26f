using TradingAgents.Actors.Routing;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Polly.Timeout;
using TradingAgents.Actors.Client.Hosting;
using TradingAgents.Actors.Client.Calls;
using TradingAgents.Actors.Client.TradingAgents;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Tests.Infrastructure;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.Calls;

[Collection(ClientClusterCollection.Name)]
public sealed class ServiceCallerTests(ClientClusterFixture fixture)
{
    private const string StockPath = "/api/v1/data/stock?symbol=AAPL&period=5d";
    private const string SubmitPath = "/api/v1/analysis/submit";

    [Fact]
    public async Task CallAsync_OneInstanceKilled_AllCallsSucceedThroughRetriesOnOthers()
    {
        const string service = "caller-killed";
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 3, service);
        await fixture.PublishAsync(service, backends.All);
        await using var client = new ClientHost(fixture);
        var dead = backends[0];
        await dead.KillAsync();

        for (var i = 0; i < 30; i++)
        {
            var data = await client.Caller.CallAsync<StockData>(service, StockPath, HttpMethod.Get);
            Assert.Equal("AAPL", data!.Symbol);
        }

        // Each call landed once on a live instance; the dead one cost one retry per selection until
        // five reported failures opened its circuit.
        Assert.Equal(30, backends[1].TotalRequests + backends[2].TotalRequests);
        await client.FlushOutcomesAsync();
        var deadStatus = await fixture.GetStatusAsync(service, dead);
        Assert.Equal(CircuitState.Open, deadStatus.Circuit);
        Assert.Equal(5, deadStatus.CompletedCalls);
        var counts = client.Metrics.Snapshot().For(service);
        Assert.Equal(30, counts.ServiceCalls);
        Assert.Equal(5, counts.Retries);
        Assert.Equal(0, counts.Failures);
        Assert.Equal(35, counts.DiscoveryCalls);
    }

    [Fact]
    public async Task CallAsync_OneInstanceFailingEveryRequest_GetsRetriedOnOthers()
    {
        const string service = "caller-erroring";
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 3, service);
        await fixture.PublishAsync(service, backends.All);
        await using var client = new ClientHost(fixture);
        backends[1].Faults.ErrorRate = 1.0;

        for (var i = 0; i < 30; i++)
        {
            var data = await client.Caller.CallAsync<StockData>(service, StockPath, HttpMethod.Get);
            Assert.Equal(5, data!.Count);
        }

        Assert.Equal(5, backends[1].TotalRequests);
        Assert.Equal(30, backends[0].TotalRequests + backends[2].TotalRequests);
        await client.FlushOutcomesAsync();
        Assert.Equal(CircuitState.Open, (await fixture.GetStatusAsync(service, backends[1])).Circuit);
        var counts = client.Metrics.Snapshot().For(service);
        Assert.Equal(5, counts.Retries);
        Assert.Equal(0, counts.Failures);
    }

    [Fact]
    public async Task CallAsync_PostAnsweredWith500_IsNotRetriedAndThrowsWithStatus()
    {
        const string service = "caller-post-500";
        await using var backends = await Backends.StartAsync(DemoServiceKind.AnalysisEngine, 2, service);
        await fixture.PublishAsync(service, backends.All);
        await using var client = new ClientHost(fixture);
        backends[0].Faults.ErrorRate = 1.0;
        backends[1].Faults.ErrorRate = 1.0;

        var error = await Assert.ThrowsAsync<ServiceCallException>(() =>
            client.Caller.CallAsync<AnalysisTask>(service, SubmitPath, HttpMethod.Post, new { stock_code = "AAPL" }));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Equal(service, error.Service);
        Assert.Equal(1, backends[0].TotalRequests + backends[1].TotalRequests);
        var counts = client.Metrics.Snapshot().For(service);
        Assert.Equal(new ServiceCallCountsView(1, 1, 0, 1.0), ServiceCallCountsView.Of(counts));
    }

    [Fact]
    public async Task CallAsync_PostToKilledInstance_IsRetriedBecauseItNeverReachedABackend()
    {
        const string service = "caller-post-killed";
        await using var backends = await Backends.StartAsync(DemoServiceKind.AnalysisEngine, 2, service);
        await fixture.PublishAsync(service, backends.All);
        await using var client = new ClientHost(fixture);
        await backends[0].KillAsync();

        for (var i = 0; i < 4; i++)
        {
            var task = await client.Caller.CallAsync<AnalysisTask>(service, SubmitPath, HttpMethod.Post, new { stock_code = "msft", analysis_type = "technical" });
            Assert.Equal("MSFT", task!.StockCode);
        }

        Assert.Equal(4, backends[1].TotalRequests);
        await client.FlushOutcomesAsync();
        var deadCalls = (await fixture.GetStatusAsync(service, backends[0])).CompletedCalls;
        Assert.InRange(deadCalls, 1, 4);
        Assert.Equal(deadCalls, client.Metrics.Snapshot().For(service).Retries);
    }

    [Fact]
    public async Task CallAsync_BadRequest_IsNotRetriedAndCountsAsSuccessForTheInstance()
    {
        const string service = "caller-400";
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 2, service);
        await fixture.PublishAsync(service, backends.All);
        await using var client = new ClientHost(fixture);

        var error = await Assert.ThrowsAsync<ServiceCallException>(() =>
            client.Caller.CallAsync<StockData>(service, "/api/v1/data/stock?symbol=!!!", HttpMethod.Get));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains("symbol", error.ResponseBody, StringComparison.Ordinal);
        Assert.Equal(1, backends[0].TotalRequests + backends[1].TotalRequests);
        var answered = backends[0].TotalRequests == 1 ? backends[0] : backends[1];
        Assert.Equal(ClientClusterFixture.InstanceIdOf(answered), error.InstanceId);
        await client.FlushOutcomesAsync();
        var status = await fixture.GetStatusAsync(service, answered);
        Assert.Equal(0, status.ConsecutiveFailures);
        Assert.Equal(1, status.CompletedCalls);
        Assert.Equal(new ServiceCallCountsView(1, 0, 0, 0.0), ServiceCallCountsView.Of(client.Metrics.Snapshot().For(service)));
    }

    [Fact]
    public async Task CallAsync_UnknownService_ThrowsServiceUnavailableWithoutRetry()
    {
        await using var client = new ClientHost(fixture);

        var error = await Assert.ThrowsAsync<ServiceUnavailableException>(() =>
            client.Caller.CallAsync<StockData>("no-such-service", StockPath, HttpMethod.Get));

        Assert.Equal(SelectionStatus.UnknownService, error.Status);
        Assert.Equal("no-such-service", error.Service);
        Assert.Contains("'no-such-service' is unknown", error.Message, StringComparison.Ordinal);
        var counts = client.Metrics.Snapshot().For("no-such-service");
        Assert.Equal(1, counts.DiscoveryCalls);
        Assert.Equal(0, counts.Retries);
        Assert.Equal(1, counts.Failures);
        Assert.Equal(1.0, counts.FailureRate);
    }

    [Fact]
    public async Task CallAsync_AttemptOutlivesTimeout_ThrowsTimeoutNamingServiceInstanceAndTimeout()
    {
        const string service = "caller-timeout";
        await using var backends = await Backends.StartAsync(DemoServiceKind.AnalysisEngine, 1, service);
        await fixture.PublishAsync(service, backends.All);
        await using var client = new ClientHost(fixture);
        backends[0].Faults.Hang = true;

        // A POST that may have reached the backend is not resent after a timeout.
        var call = client.Caller.CallAsync<AnalysisTask>(service, SubmitPath, HttpMethod.Post, new { stock_code = "AAPL" }, timeout: TimeSpan.FromSeconds(2));
        await backends[0].WhenInFlightAtLeastAsync(1).WaitAsync(TimeSpan.FromSeconds(30));
        client.Time.Advance(TimeSpan.FromSeconds(2));

        var error = await Assert.ThrowsAsync<TimeoutRejectedException>(() => call);
        var instance = ClientClusterFixture.InstanceIdOf(backends[0]);
        Assert.Equal($"Call to service '{service}' instance {instance} timed out after 2 s.", error.Message);
        Assert.Equal(TimeSpan.FromSeconds(2), error.Timeout);
        await client.FlushOutcomesAsync();
        var status = await fixture.GetStatusAsync(service, backends[0]);
        Assert.Equal(1, status.ConsecutiveFailures);
        Assert.Equal(new ServiceCallCountsView(1, 1, 0, 1.0), ServiceCallCountsView.Of(client.Metrics.Snapshot().For(service)));
    }

    [Fact]
    public async Task CallAsync_CancelledByCaller_IsNeitherSuccessNorFailureOfTheInstance()
    {
        const string service = "caller-cancelled";
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 1, service);
        await fixture.PublishAsync(service, backends.All);
        await using var client = new ClientHost(fixture);
        backends[0].Faults.Hang = true;
        using var cancellation = new CancellationTokenSource();

        var call = client.Caller.CallAsync<StockData>(service, StockPath, HttpMethod.Get, cancellationToken: cancellation.Token);
        await backends[0].WhenInFlightAtLeastAsync(1).WaitAsync(TimeSpan.FromSeconds(30));
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await client.FlushOutcomesAsync();

        // Issue 9 item 1: a caller that gives up releases its in-flight slot and changes nothing else.
        var router = client.Services.GetRequiredService<ServiceRouters>().Get(service);
        Assert.Equal(0, router.InFlight[ClientClusterFixture.InstanceIdOf(backends[0])]);
        var status = await fixture.GetStatusAsync(service, backends[0]);
        Assert.Equal(0, status.CompletedCalls);
        Assert.Equal(0, status.ConsecutiveFailures);
        Assert.Equal(new ServiceCallCountsView(1, 0, 0, 0.0), ServiceCallCountsView.Of(client.Metrics.Snapshot().For(service)));
    }

    [Fact]
    public async Task SendAsync_LastAttemptStill5xx_ReturnsTheResponseAfterMaxRetries()
    {
        const string service = "caller-all-500";
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 2, service);
        await fixture.PublishAsync(service, backends.All);
        await using var client = new ClientHost(fixture);
        backends[0].Faults.ErrorRate = 1.0;
        backends[1].Faults.ErrorRate = 1.0;

        using var response = await client.Caller.SendAsync(service, HttpMethod.Get, StockPath);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(4, backends[0].TotalRequests + backends[1].TotalRequests);
        Assert.Equal(new ServiceCallCountsView(1, 1, 3, 1.0), ServiceCallCountsView.Of(client.Metrics.Snapshot().For(service)));
    }

    [Fact]
    public async Task SendAsync_RetriesOfAFailingGet_WaitExponentialBackoffOnTheInjectedClock()
    {
        const string service = "caller-backoff";
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 1, service);
        await fixture.PublishAsync(service, backends.All);
        await using var client = new ClientHost(fixture, services => services.Configure<TradingAgentsClientOptions>(o => o.RetryBaseDelay = TimeSpan.FromSeconds(1)));
        backends[0].Faults.ErrorRate = 1.0;

        var call = client.Caller.SendAsync(service, HttpMethod.Get, StockPath);
        foreach (var seconds in new[] { 1, 2, 4 })
        {
            var delay = TimeSpan.FromSeconds(seconds);
            await client.Time.WhenTimerCreatedAsync(delay);
            client.Time.Advance(delay);
        }

        using var response = await call.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(4, backends[0].TotalRequests);
        Assert.Equal(3, client.Metrics.Snapshot().For(service).Retries);
    }

    [Theory]
    [InlineData("", "service")]
    [InlineData("bad name", "service")]
    public async Task SendAsync_BadServiceName_ThrowsNamingTheParameter(string service, string parameter)
    {
        await using var client = new ClientHost(fixture);

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => client.Caller.SendAsync(service, HttpMethod.Get, "/"));

        Assert.Equal(parameter, error.ParamName);
    }

    [Fact]
    public async Task SendAsync_AbsoluteRequestUri_ThrowsNamingTheRequest()
    {
        await using var client = new ClientHost(fixture);
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:1/x");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.Caller.SendAsync("data-service", request));

        Assert.Equal("request", error.ParamName);
    }

    /// <summary>The counters an assertion compares at once: calls, failures, retries, failure rate.</summary>
    private sealed record ServiceCallCountsView(long ServiceCalls, long Failures, long Retries, double FailureRate)
    {
        public static ServiceCallCountsView Of(Client.Metrics.ServiceCallCounts counts) =>
            new(counts.ServiceCalls, counts.Failures, counts.Retries, counts.FailureRate);
    }
}
