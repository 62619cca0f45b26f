using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Routing;
using TradingAgents.Actors.Tests.Infrastructure;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.Gateway;

[Collection(GatewayCollection.Name)]
public sealed class ForwardingTests
{
    private const string Stock = "/data-service/api/v1/data/stock?symbol=AAPL&period=1d";

    [Fact]
    public async Task Forward_RoundRobin_SpreadsExactlyOverInstances()
    {
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 3);
        await using var gateway = await GatewayTestHost.StartAsync(Settings(backends, ("service_discovery:load_balancing:algorithm", "round_robin")));

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < 30; i++)
        {
            using var response = await gateway.Client.GetAsync(Stock);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var instance = Assert.Single(response.Headers.GetValues(DemoBackend.InstanceHeader));
            counts[instance] = counts.GetValueOrDefault(instance) + 1;
        }

        Assert.Equal(
            new Dictionary<string, int> { ["data-service-1"] = 10, ["data-service-2"] = 10, ["data-service-3"] = 10 },
            counts);
    }

    [Fact]
    public async Task Forward_PathAndQuery_ReachTheInstanceWithoutTheServicePrefix()
    {
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 1);
        await using var gateway = await GatewayTestHost.StartAsync(Settings(backends));

        using var response = await gateway.Client.GetAsync(Stock);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("AAPL", body.RootElement.GetProperty("symbol").GetString());
    }

    [Fact]
    public async Task Forward_InstanceKilledMidLoad_LosesNoIdempotentRequest()
    {
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 3);
        await using var gateway = await GatewayTestHost.StartAsync(Settings(backends, ("service_discovery:load_balancing:algorithm", "round_robin")));

        const int Total = 300;
        const int Workers = 4;
        var next = 0;
        var completed = 0;
        var statuses = new HttpStatusCode[Total];
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));

        async Task WorkerAsync()
        {
            int index;
            while ((index = Interlocked.Increment(ref next) - 1) < Total)
            {
                using var response = await gateway.Client.GetAsync(Stock, deadline.Token);
                statuses[index] = response.StatusCode;
                if (Interlocked.Increment(ref completed) == 100)
                {
                    await backends[0].KillAsync();
                    killed.SetResult();
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(WorkerAsync)));

        Assert.True(killed.Task.IsCompleted);
        Assert.Equal(Total, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.False(backends[0].IsRunning);
    }

    [Fact]
    public async Task Forward_InstanceReturning500s_CircuitOpensStopsTrafficThenRecovers()
    {
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 3);
        await using var gateway = await GatewayTestHost.StartAsync(Settings(
            backends,
            ("service_discovery:load_balancing:algorithm", "round_robin"),
            ("service_discovery:circuit_breaker:failure_threshold", "5"),
            ("service_discovery:circuit_breaker:recovery_timeout", "1")));
        var failing = backends[0];
        failing.Faults.ErrorRate = 1.0;

        // Idempotent requests are retried on the healthy instances, so every client sees 200.
        for (var i = 0; i < 30 && failing.TotalRequests < 5; i++)
        {
            using var response = await gateway.Client.GetAsync(Stock);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(5, failing.TotalRequests);

        // The history rather than the current state: the 1 s recovery timeout may already have
        // turned the circuit half-open on a busy machine.
        var history = (await gateway.Services.GetRequiredService<IGrainFactory>()
            .GetGrain<IInstanceGrain>(InstanceKey.Format("data-service", $"127.0.0.1:{failing.Port}"))
            .GetDetailsAsync()).History;
        Assert.Contains(history, h => h.What == "circuit Closed -> Open");

        failing.Faults.Clear();
        failing.ResetCounters();
        var recovered = false;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!recovered)
        {
            deadline.Token.ThrowIfCancellationRequested();
            using var response = await gateway.Client.GetAsync(Stock, deadline.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            recovered = await CircuitOfAsync(gateway, failing) == "closed";
        }

        // Open, it received nothing; the first call it got after recovery was its trial, which closed it.
        Assert.Equal(1, failing.TotalRequests);
        var router = gateway.Services.GetRequiredService<ServiceRouters>().Get("data-service");
        await Eventually.MatchAsync(
            () => Task.FromResult(router.Table.ById[$"127.0.0.1:{failing.Port}"].Instance.Availability),
            a => a == InstanceAvailability.Selectable,
            "the gateway's router to get the closed circuit pushed");
        failing.ResetCounters();
        for (var i = 0; i < 9; i++)
        {
            using var response = await gateway.Client.GetAsync(Stock);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(3, failing.TotalRequests);
    }

    [Fact]
    public async Task Forward_HangingInstance_Returns504AndBreakerCountsIt()
    {
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 1);
        await using var gateway = await GatewayTestHost.StartAsync(Settings(
            backends,
            ("service_discovery:max_retries", "0"),
            ("service_discovery:services:data-service:timeout", "1")));
        backends[0].Faults.Hang = true;

        using var response = await gateway.Client.GetAsync(Stock);
        backends[0].Faults.Hang = false;

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(504, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("data-service", problem.RootElement.GetProperty("service").GetString());
        var instance = gateway.Services.GetRequiredService<IGrainFactory>()
            .GetGrain<IInstanceGrain>(InstanceKey.Format("data-service", $"127.0.0.1:{backends[0].Port}"));
        var details = await Eventually.MatchAsync(() => instance.GetDetailsAsync().AsTask(), d => d.Status.CompletedCalls > 0, "the failure to reach the instance grain");
        Assert.Equal(1, details.Status.ConsecutiveFailures);
        Assert.Equal(1, details.Status.CompletedCalls);
    }

    [Fact]
    public async Task Forward_HangingOnlyInstance_OneDeadlineForAllAttempts()
    {
        // Issue 9 item 6: with max_retries 3 and a 1 s timeout, a hung instance used to cost 4 attempts
        // of 1 s each. The timeout is now the request's deadline: the first attempt uses it up.
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 1);
        await using var gateway = await GatewayTestHost.StartAsync(Settings(
            backends,
            ("service_discovery:max_retries", "3"),
            ("service_discovery:services:data-service:timeout", "1")));
        backends[0].Faults.Hang = true;

        using var response = await gateway.Client.GetAsync(Stock);
        backends[0].Faults.Hang = false;

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal(1, backends[0].TotalRequests);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("deadline of 1 s (1 attempt(s))", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forward_UnknownService_Returns404WithoutActivation()
    {
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 1);
        await using var gateway = await GatewayTestHost.StartAsync(Settings(backends));
        var management = gateway.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        using (var warmUp = await gateway.Client.GetAsync(Stock))
        {
            Assert.Equal(HttpStatusCode.OK, warmUp.StatusCode);
        }

        var before = await ServiceGrainKeysAsync(management);
        using var response = await gateway.Client.GetAsync("/no-such-service/api/v1/anything");
        var after = await ServiceGrainKeysAsync(management);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("no-such-service", problem.RootElement.GetProperty("service").GetString());
        Assert.Equal(["data-service"], before);
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Forward_ServiceWithoutEndpoints_Returns503WithReasonAndRetryAfter()
    {
        await using var gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["service_discovery:services:llm-service:timeout"] = "60",
            ["Gateway:RetryAfterSeconds"] = "7",
        });

        using var response = await gateway.Client.GetAsync("/llm-service/api/v1/llm/models");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("no source lists any endpoint", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forward_AllCircuitsOpen_Returns503WithRecoveryTimeAsRetryAfter()
    {
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 1);
        await using var gateway = await GatewayTestHost.StartAsync(Settings(
            backends,
            ("service_discovery:max_retries", "0"),
            ("service_discovery:circuit_breaker:failure_threshold", "2"),
            ("service_discovery:circuit_breaker:recovery_timeout", "45")));
        backends[0].Faults.ErrorRate = 1.0;
        for (var i = 0; i < 2; i++)
        {
            using var failed = await gateway.Client.GetAsync(Stock);
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        }

        using var response = await gateway.Client.GetAsync(Stock);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(TimeSpan.FromSeconds(45) == response.Headers.RetryAfter?.Delta, await response.Content.ReadAsStringAsync());
        Assert.Equal(2, backends[0].TotalRequests);
    }

    [Fact]
    public async Task Forward_PostToRefusedInstance_IsRetriedOnAnother()
    {
        await using var backends = await Backends.StartAsync(DemoServiceKind.MemoryService, 2);
        await using var gateway = await GatewayTestHost.StartAsync(Settings(
            backends,
            ("service_discovery:load_balancing:algorithm", "round_robin"),
            ("service_discovery:circuit_breaker:failure_threshold", "100")));
        await backends[0].KillAsync();

        for (var i = 0; i < 6; i++)
        {
            using var response = await gateway.Client.PostAsync("/memory-service/api/v1/memory/search", SearchBody());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("memory-service-2", Assert.Single(response.Headers.GetValues(DemoBackend.InstanceHeader)));
        }

        Assert.Equal(6, backends[1].TotalRequests);
    }

    [Fact]
    public async Task Forward_PostAnswered500_IsNotRetried()
    {
        await using var backends = await Backends.StartAsync(DemoServiceKind.MemoryService, 2);
        await using var gateway = await GatewayTestHost.StartAsync(Settings(backends, ("service_discovery:load_balancing:algorithm", "round_robin")));
        backends[0].Faults.ErrorRate = 1.0;

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await gateway.Client.PostAsync("/memory-service/api/v1/memory/search", SearchBody());
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.InternalServerError));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(2, backends[0].TotalRequests);
        Assert.Equal(2, backends[1].TotalRequests);
    }

    [Fact]
    public async Task Forward_GetWithBodyAnswered500_IsRetriedWithItsBody()
    {
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 2);
        await using var gateway = await GatewayTestHost.StartAsync(Settings(backends, ("service_discovery:load_balancing:algorithm", "round_robin")));
        backends[0].Faults.ErrorRate = 1.0;

        for (var i = 0; i < 4; i++)
        {
            // The demo's data endpoint also takes its query as a JSON body: the retry must send it again.
            using var request = new HttpRequestMessage(HttpMethod.Get, "/data-service/api/v1/data/stock")
            {
                Content = new StringContent("""{"symbol":"MSFT","period":"1d"}""", Encoding.UTF8, "application/json"),
            };
            using var response = await gateway.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("MSFT", body.RootElement.GetProperty("symbol").GetString());
        }

        Assert.InRange(backends[0].TotalRequests, 1, 4);
        Assert.Equal(4, backends[1].TotalRequests);
    }

    [Fact]
    public async Task Forward_BodyOverLimit_Returns413()
    {
        await using var backends = await Backends.StartAsync(DemoServiceKind.MemoryService, 1);
        await using var gateway = await GatewayTestHost.StartAsync(Settings(backends, ("Gateway:MaxRequestBodyBytes", "1024")));

        // A chunked body over the limit also gets 413 (from Kestrel), but the server may close the
        // connection while the client still writes, so only the declared length is checked here.
        using var declared = await gateway.Client.PostAsync("/memory-service/api/v1/memory/search", new ByteArrayContent(new byte[2048]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Equal("application/problem+json", declared.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, backends[0].TotalRequests);
    }

    [Fact]
    public async Task Forward_HeadersOverLimit_Returns431()
    {
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 1);
        await using var gateway = await GatewayTestHost.StartAsync(Settings(backends, ("Gateway:MaxRequestHeadersTotalBytes", "2048")));
        using var request = new HttpRequestMessage(HttpMethod.Get, Stock);
        request.Headers.Add("X-Padding", new string('a', 4096));

        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        Assert.Equal(0, backends[0].TotalRequests);
    }

    private static async Task<string?> CircuitOfAsync(GatewayTestHost gateway, DemoBackend backend)
    {
        using var snapshot = JsonDocument.Parse(await gateway.Client.GetStringAsync("/api/discovery/services/data-service"));
        return snapshot.RootElement.GetProperty("instances").EnumerateArray()
            .Single(i => i.GetProperty("port").GetInt32() == backend.Port)
            .GetProperty("circuit").GetString();
    }

    private static async Task<List<string>> ServiceGrainKeysAsync(IManagementGrain management)
    {
        var statistics = await management.GetDetailedGrainStatistics();
        return [.. statistics
            .Where(s => s.GrainType.Contains(nameof(ServiceGrain), StringComparison.Ordinal))
            .Select(s => s.GrainId.Key.ToString()!)
            .Order(StringComparer.Ordinal)];
    }

    private static StringContent SearchBody() =>
        new("""{"collection_name":"market_memories","query":"AAPL earnings","n_results":3}""", Encoding.UTF8, "application/json");

    [Fact]
    public async Task Forward_Successes_ReachTheInstanceGrainInBatchesAndReleaseInFlight()
    {
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 1);
        await using var gateway = await GatewayTestHost.StartAsync(Settings(backends, ("Routing:OutcomeFlushInterval", "00:00:00.020")));
        for (var i = 0; i < 25; i++)
        {
            using var response = await gateway.Client.GetAsync(Stock);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var instanceId = $"127.0.0.1:{backends[0].Port}";
        var instance = gateway.Services.GetRequiredService<IGrainFactory>().GetGrain<IInstanceGrain>(InstanceKey.Format("data-service", instanceId));
        var details = await Eventually.MatchAsync(
            () => instance.GetDetailsAsync().AsTask(),
            d => d.Status.CompletedCalls == 25,
            "every success to be reported");

        // In flight is counted per call by the gateway's router, not by a grain.
        var router = gateway.Services.GetRequiredService<ServiceRouters>().Get("data-service");
        Assert.Equal(0, router.InFlight[instanceId]);
        Assert.True(details.Status.EwmaLatencyMs > 0);
    }

    private static Dictionary<string, string?> Settings(Backends backends, params (string Key, string Value)[] extra)
    {
        var service = backends[0].ServiceName;
        var settings = new Dictionary<string, string?>(GatewayTestHost.Endpoints(service, backends.Addresses));
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }
}
