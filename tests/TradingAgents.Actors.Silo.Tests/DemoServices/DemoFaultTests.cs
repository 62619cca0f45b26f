using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.DemoServices;

public sealed class DemoFaultTests : IAsyncLifetime
{
    private const string StockPath = "/api/v1/data/stock?symbol=AAPL&period=5d";

    // Bounds every wait on the server so a broken test fails instead of hanging the suite.
    private readonly CancellationTokenSource _guard = new(TimeSpan.FromSeconds(30));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 4, 12, 0, 0, TimeSpan.Zero));
    private DemoBackend _backend = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _backend = await DemoBackend.StartAsync(new DemoBackendOptions
        {
            Service = DemoServiceKind.DataService,
            InstanceName = "data-1",
            TimeProvider = _time,
            RandomSeed = 7,
        });
        _client = new HttpClient { BaseAddress = _backend.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _backend.DisposeAsync();
        _guard.Dispose();
    }

    [Fact]
    public async Task GetFaults_Initially_AllOff()
    {
        using var response = await _client.GetAsync("/admin/faults");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"latency_ms":0,"error_rate":0,"hang":false,"unhealthy":false}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PutFaults_ListedFields_SetsThemAndKeepsTheOthers()
    {
        using var first = await _client.PutRawAsync("/admin/faults", """{"latency_ms":250,"unhealthy":true}""");
        using var second = await _client.PutRawAsync("/admin/faults", """{"error_rate":0.25}""");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("""{"latency_ms":250,"error_rate":0.25,"hang":false,"unhealthy":true}""", await second.Content.ReadAsStringAsync());
        Assert.Equal(TimeSpan.FromMilliseconds(250), _backend.Faults.AddedLatency);
        Assert.Equal(0.25, _backend.Faults.ErrorRate);
        Assert.True(_backend.Faults.HealthFlip);
    }

    [Theory]
    [InlineData("""{"latency_ms":-1}""", "latency_ms")]
    [InlineData("""{"latency_ms":1.5}""", "latency_ms")]
    [InlineData("""{"latency_ms":600001}""", "latency_ms")]
    [InlineData("""{"error_rate":1.01}""", "error_rate")]
    [InlineData("""{"error_rate":"half"}""", "error_rate")]
    [InlineData("""{"hang":"yes"}""", "hang")]
    [InlineData("""{"unhealthy":1}""", "unhealthy")]
    [InlineData("""{"latency":5}""", "latency")]
    [InlineData("""[1]""", "body")]
    [InlineData("""{"hang":""", "body")]
    public async Task PutFaults_BadField_Returns400NamingItAndChangesNothing(string json, string field)
    {
        using var response = await _client.PutRawAsync("/admin/faults", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal([field], (await response.JsonAsync()).ErrorFields());
        Assert.False(_backend.Faults.Any);
    }

    [Fact]
    public async Task PutFaults_OneGoodOneBadField_AppliesNeither()
    {
        using var response = await _client.PutRawAsync("/admin/faults", """{"unhealthy":true,"error_rate":2}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(_backend.Faults.HealthFlip);
    }

    [Fact]
    public async Task DeleteFaults_AfterSettingAll_ClearsAll()
    {
        using var put = await _client.PutRawAsync("/admin/faults", """{"latency_ms":5,"error_rate":1,"hang":true,"unhealthy":true}""");

        using var delete = await _client.DeleteAsync("/admin/faults");

        Assert.Equal("""{"latency_ms":0,"error_rate":0,"hang":false,"unhealthy":false}""", await delete.Content.ReadAsStringAsync());
        Assert.False(_backend.Faults.Any);
        using var api = await _client.GetAsync(StockPath);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }

    [Fact]
    public async Task ErrorRateOne_OverAdmin_ApiAnswers500ButHealthAndAdminDoNot()
    {
        using var put = await _client.PutRawAsync("/admin/faults", """{"error_rate":1}""");

        using var api = await _client.GetAsync(StockPath);
        using var health = await _client.GetAsync("/health");
        using var admin = await _client.GetAsync("/admin/faults");

        Assert.Equal(HttpStatusCode.InternalServerError, api.StatusCode);
        Assert.Equal(["data-1"], api.Headers.GetValues(DemoBackend.InstanceHeader));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
    }

    [Fact]
    public async Task ErrorRateHalf_SeededRandom_FailsExactlyTheDrawsBelowTheRate()
    {
        const int Requests = 40;
        var reference = new Random(7);
        var expectedFailures = Enumerable.Range(0, Requests).Count(_ => reference.NextDouble() < 0.5);
        _backend.Faults.ErrorRate = 0.5;

        var failures = 0;
        for (var i = 0; i < Requests; i++)
        {
            using var response = await _client.GetAsync(StockPath);
            failures += response.StatusCode == HttpStatusCode.InternalServerError ? 1 : 0;
        }

        Assert.Equal(expectedFailures, failures);
        Assert.InRange(failures, 1, Requests - 1);
    }

    [Fact]
    public async Task HealthFlip_OverAdmin_HealthAndReadyAnswer503AndApiStillWorks()
    {
        using var put = await _client.PutRawAsync("/admin/faults", """{"unhealthy":true}""");

        using var health = await _client.GetAsync("/health");
        using var ready = await _client.GetAsync("/ready");
        using var api = await _client.GetAsync(StockPath);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("unhealthy", (await health.JsonAsync()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }

    [Fact]
    public async Task Hang_OverAdmin_ClientGivesUpWhileRequestIsInFlight()
    {
        using var put = await _client.PutRawAsync("/admin/faults", """{"hang":true}""");
        using var giveUp = new CancellationTokenSource();

        var call = _client.GetAsync(StockPath, giveUp.Token);
        await _backend.WhenInFlightAtLeastAsync(1, _guard.Token);
        var inFlightWhileHung = _backend.InFlightRequests;
        await giveUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(1, inFlightWhileHung);
        Assert.False(call.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Hang_ClientTimeoutShorterThanHang_TimesOut()
    {
        _backend.Faults.Hang = true;
        using var shortTimeout = new HttpClient { BaseAddress = _backend.BaseAddress, Timeout = TimeSpan.FromMilliseconds(200) };

        var error = await Assert.ThrowsAsync<TaskCanceledException>(() => shortTimeout.GetAsync(StockPath));

        Assert.IsType<TimeoutException>(error.InnerException);
    }

    [Fact]
    public async Task Hang_Cleared_HeldRequestsCompleteNormally()
    {
        _backend.Faults.Hang = true;
        var call = _client.GetAsync(StockPath);
        await _backend.WhenInFlightAtLeastAsync(1, _guard.Token);

        using var delete = await _client.DeleteAsync("/admin/faults");
        using var response = await call.WaitAsync(_guard.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AddedLatency_HoldsRequestUntilTheClockAdvances()
    {
        using var put = await _client.PutRawAsync("/admin/faults", """{"latency_ms":5000}""");
        var call = _client.GetAsync(StockPath);
        await _backend.WhenInFlightAtLeastAsync(1, _guard.Token);

        _time.Advance(TimeSpan.FromMilliseconds(4999));
        var completedEarly = call.IsCompleted;
        _time.Advance(TimeSpan.FromMilliseconds(1));
        using var response = await call.WaitAsync(_guard.Token);

        Assert.False(completedEarly);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task MaxInFlight_ParallelRequestsAgainstHungInstance_CountsEachAtOnce()
    {
        const int Parallel = 8;
        _backend.Faults.Hang = true;

        var calls = Enumerable.Range(0, Parallel).Select(_ => _client.GetAsync(StockPath)).ToList();
        await _backend.WhenInFlightAtLeastAsync(Parallel, _guard.Token);
        var (inFlight, max) = (_backend.InFlightRequests, _backend.MaxInFlightRequests);
        _backend.Faults.Hang = false;
        var responses = await Task.WhenAll(calls).WaitAsync(_guard.Token);

        Assert.Equal(Parallel, inFlight);
        Assert.Equal(Parallel, max);
        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.Equal(Parallel, _backend.TotalRequests);
        Assert.Equal(Parallel, _backend.MaxInFlightRequests);
        Assert.Equal(0, _backend.InFlightRequests);
        Array.ForEach(responses, response => response.Dispose());
    }

    [Fact]
    public async Task MaxInFlight_SequentialRequests_StaysOne()
    {
        for (var i = 0; i < 5; i++)
        {
            using var response = await _client.GetAsync(StockPath);
        }

        Assert.Equal(1, _backend.MaxInFlightRequests);
        Assert.Equal(5, _backend.TotalRequests);
    }

    [Fact]
    public async Task ResetCounters_AfterTraffic_ZeroesTotals()
    {
        using var api = await _client.GetAsync(StockPath);
        using var health = await _client.GetAsync("/health");

        _backend.ResetCounters();

        Assert.Equal(0, _backend.TotalRequests);
        Assert.Equal(0, _backend.MaxInFlightRequests);
        Assert.Equal(0, _backend.HealthProbes);
    }

    [Fact]
    public async Task Stats_OverAdmin_ReportsCounters()
    {
        using var api = await _client.GetAsync(StockPath);
        using var health = await _client.GetAsync("/health");

        using var stats = await _client.GetAsync("/admin/stats");

        Assert.Equal(
            """{"service":"data-service","instance":"data-1","total_requests":1,"in_flight":0,"max_in_flight":1,"health_probes":1}""",
            await stats.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Kill_ThenNewRequest_ConnectionRefused()
    {
        using var before = await _client.GetAsync(StockPath);

        _backend.Kill();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => _client.GetAsync(StockPath));
        Assert.Equal(SocketError.ConnectionRefused, Assert.IsType<SocketException>(error.InnerException).SocketErrorCode);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.False(_backend.IsRunning);
    }

    [Fact]
    public async Task KillAsync_WithHungRequest_RequestFailsInsteadOfWaiting()
    {
        _backend.Faults.Hang = true;
        var call = _client.GetAsync(StockPath);
        await _backend.WhenInFlightAtLeastAsync(1, _guard.Token);

        await _backend.KillAsync();

        await Assert.ThrowsAsync<HttpRequestException>(() => call.WaitAsync(_guard.Token));
    }

    [Fact]
    public async Task StopAsync_WithRequestInFlight_RequestCompletesThenConnectionsRefused()
    {
        _backend.Faults.AddedLatency = TimeSpan.FromSeconds(1);
        var call = _client.GetAsync(StockPath);
        await _backend.WhenInFlightAtLeastAsync(1, _guard.Token);

        var stopping = _backend.StopAsync(_guard.Token);
        _time.Advance(TimeSpan.FromSeconds(1));
        using var response = await call.WaitAsync(_guard.Token);
        await stopping;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => _client.GetAsync(StockPath));
        Assert.Equal(SocketError.ConnectionRefused, Assert.IsType<SocketException>(error.InnerException).SocketErrorCode);
    }

    [Fact]
    public void Faults_OutOfRangeValues_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _backend.Faults.ErrorRate = 1.5);
        Assert.Throws<ArgumentOutOfRangeException>(() => _backend.Faults.ErrorRate = double.NaN);
        Assert.Throws<ArgumentOutOfRangeException>(() => _backend.Faults.AddedLatency = TimeSpan.FromMilliseconds(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => _backend.Faults.AddedLatency = TimeSpan.FromMinutes(11));
    }
}
