using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Health;
using TradingAgents.Actors.Hosting;
using TradingAgents.Actors.Tests.Infrastructure;

namespace TradingAgents.Actors.Tests.Health;

public sealed class HealthProbeTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _time = new();
    private ServiceProvider _services = null!;
    private TestBackend _backend = null!;

    private HealthProbe Probe => _services.GetRequiredService<HealthProbe>();

    private Uri HealthUri => new($"http://127.0.0.1:{_backend.Port}/health");

    public async Task InitializeAsync()
    {
        var collection = new ServiceCollection();
        collection.AddSingleton<TimeProvider>(_time);
        collection.AddServiceDiscoveryGrains();
        _services = collection.BuildServiceProvider();
        _backend = await TestBackend.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        await _services.DisposeAsync();
    }

    [Fact]
    public async Task ProbeAsync_BackendAnswers200_Succeeds()
    {
        var result = await Probe.ProbeAsync(HealthUri, Timeout, CancellationToken.None);

        Assert.True(result.Success);
        Assert.Equal("HTTP 200", result.Detail);
        Assert.Equal(1, _backend.HealthCalls);
    }

    [Fact]
    public async Task ProbeAsync_BackendAnswers500_Fails()
    {
        _backend.Status = HttpStatusCode.InternalServerError;

        var result = await Probe.ProbeAsync(HealthUri, Timeout, CancellationToken.None);

        Assert.False(result.Success);
        Assert.Equal("HTTP 500", result.Detail);
    }

    [Fact]
    public async Task ProbeAsync_BackendHangs_FailsWhenTheTimeoutElapses()
    {
        _backend.Hang = true;

        var probe = Probe.ProbeAsync(HealthUri, Timeout, CancellationToken.None);
        await Eventually.MatchAsync(() => Task.FromResult(_backend.HealthCalls), n => n == 1, "the probe to reach the backend");
        _time.Advance(TimeSpan.FromSeconds(4.999));
        Assert.False(probe.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var result = await probe.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(result.Success);
        Assert.Equal("timeout after 5 s", result.Detail);
    }

    [Fact]
    public async Task ProbeAsync_NothingListens_FailsWithConnectionRefused()
    {
        var port = _backend.Port;
        await _backend.DisposeAsync();
        _backend = await TestBackend.StartAsync();

        var result = await Probe.ProbeAsync(new Uri($"http://127.0.0.1:{port}/health"), Timeout, CancellationToken.None);

        Assert.False(result.Success);
        Assert.Equal("connection failed: ConnectionRefused", result.Detail);
    }

    [Fact]
    public async Task HealthTracker_ThreeFailuresThenSuccess_GoesUnhealthyAndRecovers()
    {
        var tracker = new HealthTracker(failureThreshold: 3);
        _backend.Status = HttpStatusCode.InternalServerError;
        var states = new List<HealthState>();
        for (var i = 0; i < 3; i++)
        {
            tracker.Record((await Probe.ProbeAsync(HealthUri, Timeout, CancellationToken.None)).Success);
            states.Add(tracker.State);
        }

        _backend.Status = HttpStatusCode.OK;
        tracker.Record((await Probe.ProbeAsync(HealthUri, Timeout, CancellationToken.None)).Success);
        states.Add(tracker.State);

        Assert.Equal([HealthState.Unknown, HealthState.Unknown, HealthState.Unhealthy, HealthState.Healthy], states);
        Assert.Equal(0, tracker.ConsecutiveFailures);
    }
}
