using System.Net;
using Xunit.Abstractions;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Routing;
using TradingAgents.Actors.Tests.Infrastructure;
using static TradingAgents.Actors.Tests.Infrastructure.DiscoveryClusterFixture;

namespace TradingAgents.Actors.Tests.Grains;

/// <summary>The instance grain's outcome, lease, backpressure, probe and persistence rules (issues 8 and 9).</summary>
[Collection(DiscoveryClusterCollection.Name)]
public sealed class InstanceGrainTests(DiscoveryClusterFixture fixture, ITestOutputHelper output)
{
    /// <summary>Bounds a call that must not wait on anything slow; the fake clock never runs a probe's timeout by itself.</summary>
    private static readonly TimeSpan NoWait = TimeSpan.FromSeconds(10);

    private static string NewService() => $"inst-{Guid.NewGuid():N}";

    private IInstanceGrain Instance(string service, ServiceEndpoint endpoint) =>
        fixture.Client.GetGrain<IInstanceGrain>(InstanceKey.Format(service, endpoint.InstanceId));

    private async Task<(string Service, ServiceEndpoint Endpoint, IInstanceGrain Grain)> ConfiguredAsync(int port)
    {
        var service = NewService();
        var endpoint = Ready(port);
        await fixture.PublishAsync(service, 1, endpoint);
        var grain = Instance(service, endpoint);
        await grain.ConfigureAsync(endpoint);
        return (service, endpoint, grain);
    }

    private async Task<InstanceDetails> OpenAsync(IInstanceGrain grain)
    {
        for (var i = 0; i < 5; i++)
        {
            await Outcomes.ReportAsync(grain, OutcomeKind.Failure, TimeSpan.FromMilliseconds(3), generation: 0);
        }

        var details = await grain.GetDetailsAsync();
        Assert.Equal(CircuitState.Open, details.Status.Circuit);
        Assert.Equal(1, details.Status.BreakerGeneration);
        return details;
    }

    private async Task<InstanceDetails> HalfOpenAsync(IInstanceGrain grain)
    {
        await OpenAsync(grain);
        await fixture.AdvanceAsync(TimeSpan.FromSeconds(30));
        var details = await grain.GetDetailsAsync();
        Assert.Equal(CircuitState.HalfOpen, details.Status.Circuit);
        Assert.Equal(2, details.Status.BreakerGeneration);
        return details;
    }

    [Fact]
    public async Task ReportOutcomesAsync_FourFailuresThenAnAbortThreeTimes_AbortNeitherResetsNorCounts()
    {
        // Issue 9 item 1, as measured: four 503s then one client abort, three times over.
        var (_, _, grain) = await ConfiguredAsync(9301);
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 4; i++)
            {
                await Outcomes.ReportAsync(grain, OutcomeKind.Failure, TimeSpan.FromMilliseconds(5), generation: 0, error: "HTTP 503");
            }

            await Outcomes.ReportAsync(grain, OutcomeKind.Cancelled, TimeSpan.FromMilliseconds(5), generation: 0);
        }

        // The abort after the first four did not end the run: the fifth 503 opened the circuit. The calls
        // after it were admitted under the closed generation 0, so they count toward nothing now; the
        // score's failure count (latency + in flight + failures) still sees all twelve.
        var details = await grain.GetDetailsAsync();
        Assert.Equal(CircuitState.Open, details.Status.Circuit);
        Assert.Equal("5 consecutive failures seen by test; last: HTTP 503", details.Status.LastChangeReason);
        Assert.Equal(12, details.Status.ConsecutiveFailures);
        Assert.Equal(12, details.Status.CompletedCalls);
        Assert.False(details.Status.Measured);
    }

    [Fact]
    public async Task ReportOutcomesAsync_AbortedTrial_ReleasesItsLeaseAndLeavesTheCircuitHalfOpen()
    {
        var (_, _, grain) = await ConfiguredAsync(9302);
        await HalfOpenAsync(grain);
        var grant = await grain.AcquireTrialLeasesAsync("gw-1", 3);
        Assert.Equal(3, grant.LeaseIds.Length);
        Assert.False((await grain.GetDetailsAsync()).Status.TrialAvailable);

        await Outcomes.ReportAsync(grain, OutcomeKind.Cancelled, TimeSpan.FromMilliseconds(40), grant.Generation, grant.LeaseIds[0], reporter: "gw-1");

        var details = await grain.GetDetailsAsync();
        Assert.Equal(CircuitState.HalfOpen, details.Status.Circuit);
        Assert.Equal(2, details.Status.BreakerGeneration);
        Assert.Equal(2, details.ActiveTrialLeases);
        Assert.True(details.Status.TrialAvailable);
        Assert.Equal(5, details.Status.CompletedCalls);
        Assert.Equal(5, details.Status.ConsecutiveFailures);
        Assert.Single((await grain.AcquireTrialLeasesAsync("gw-2", 3)).LeaseIds);
    }

    [Fact]
    public async Task ReportOutcomesAsync_LateFailureOfAnOlderGeneration_DoesNotReopenAHalfOpenCircuit()
    {
        // Issue 9 item 2: calls admitted while closed, failing during half-open before any trial ran.
        var (_, _, grain) = await ConfiguredAsync(9303);
        await HalfOpenAsync(grain);

        for (var i = 0; i < 6; i++)
        {
            await Outcomes.ReportAsync(grain, OutcomeKind.Failure, TimeSpan.FromSeconds(5), generation: 0, error: "timeout");
        }

        var details = await grain.GetDetailsAsync();
        Assert.Equal(CircuitState.HalfOpen, details.Status.Circuit);
        Assert.Equal(2, details.Status.BreakerGeneration);
        Assert.True(details.Status.TrialAvailable);
    }

    [Fact]
    public async Task AcquireTrialLeasesAsync_HungTrials_NoSecondWaveUntilTheirCallsHaveProvablyEnded()
    {
        // Issue 9 item 2: a hung trial keeps its slot until hold time + call timeout (30 s) + margin.
        var (_, _, grain) = await ConfiguredAsync(9304);
        await HalfOpenAsync(grain);
        var start = fixture.Time.GetUtcNow();
        var first = await grain.AcquireTrialLeasesAsync("gw-1", 3);
        Assert.Equal(3, first.LeaseIds.Length);
        Assert.Equal(2, first.Generation);
        Assert.Equal(start + InstanceGrain.TrialLeaseHoldTime, first.UseBefore);

        var lifetime = InstanceGrain.TrialLeaseHoldTime + TimeSpan.FromSeconds(30) + InstanceGrain.TrialLeaseMargin;
        var granted = 0;
        for (var elapsed = TimeSpan.Zero; elapsed < lifetime - TimeSpan.FromSeconds(5); elapsed += TimeSpan.FromSeconds(5))
        {
            await fixture.AdvanceAsync(TimeSpan.FromSeconds(5));
            granted += (await grain.AcquireTrialLeasesAsync("gw-2", 3)).LeaseIds.Length;
        }

        Assert.Equal(0, granted);
        await fixture.AdvanceAsync(start + lifetime - fixture.Time.GetUtcNow());
        var second = await grain.AcquireTrialLeasesAsync("gw-2", 3);
        Assert.Equal(3, second.LeaseIds.Length);
        Assert.Empty(second.LeaseIds.Intersect(first.LeaseIds));

        // The hung calls finally report: their leases are gone, they decide nothing.
        await Outcomes.ReportAsync(grain, OutcomeKind.Failure, TimeSpan.FromSeconds(30), first.Generation, first.LeaseIds[0], reporter: "gw-1");
        Assert.Equal(CircuitState.HalfOpen, (await grain.GetDetailsAsync()).Status.Circuit);
    }

    [Fact]
    public async Task ReportOutcomesAsync_ResentReport_IsAppliedOnce()
    {
        var (_, _, grain) = await ConfiguredAsync(9305);
        var report = new OutcomeReport("gw-resend", 7, [new OutcomeEntry(OutcomeKind.Failure, 1, TimeSpan.FromMilliseconds(2), 0, Error: "HTTP 500")]);

        await grain.ReportOutcomesAsync(report);
        await grain.ReportOutcomesAsync(report);
        await grain.ReportOutcomesAsync(report with { Sequence = 6 });

        var details = await grain.GetDetailsAsync();
        Assert.Equal(1, details.Status.CompletedCalls);
        Assert.Equal(1, details.Status.ConsecutiveFailures);
    }

    [Fact]
    public async Task ReportOutcomesAsync_RouterRestartsItsStream_SequenceOneIsANewStream()
    {
        var (_, _, grain) = await ConfiguredAsync(9312);
        var failure = new OutcomeEntry(OutcomeKind.Failure, 1, TimeSpan.FromMilliseconds(2), 0, Error: "HTTP 500");
        await grain.ReportOutcomesAsync(new OutcomeReport("gw-restart", 1, [failure]));
        await grain.ReportOutcomesAsync(new OutcomeReport("gw-restart", 2, [failure]));

        await grain.ReportOutcomesAsync(new OutcomeReport("gw-restart", 1, [failure]));

        Assert.Equal(3, (await grain.GetDetailsAsync()).Status.CompletedCalls);
    }

    [Fact]
    public async Task ReportOutcomesAsync_AlternatingFailureAndSuccessFromTwoRouters_NeverOpens()
    {
        // Issue 8: a backend answering 500, 200, 500, 200, ... seen through two gateways, each stream
        // batched differently; no stream has two failures in a row.
        var (_, _, grain) = await ConfiguredAsync(9313);
        var failure = new OutcomeEntry(OutcomeKind.Failure, 1, TimeSpan.FromMilliseconds(2), 0, Error: "HTTP 500");
        var success = new OutcomeEntry(OutcomeKind.Success, 1, TimeSpan.FromMilliseconds(2), 0);
        for (var i = 0; i < 50; i++)
        {
            await Outcomes.ReportAsync(grain, "gw-alt-1", failure, success, failure, success);
            await Outcomes.ReportAsync(grain, "gw-alt-2", failure);
            await Outcomes.ReportAsync(grain, "gw-alt-2", success);
        }

        var details = await grain.GetDetailsAsync();
        Assert.Equal(CircuitState.Closed, details.Status.Circuit);
        Assert.Equal(0, details.Status.BreakerGeneration);
        Assert.Equal(300, details.Status.CompletedCalls);

        // Five in a row seen by one of them open it for everyone.
        await Outcomes.ReportAsync(grain, "gw-alt-1", failure, failure, failure, failure);
        await Outcomes.ReportAsync(grain, "gw-alt-2", success);
        await Outcomes.ReportAsync(grain, "gw-alt-1", failure);
        details = await grain.GetDetailsAsync();
        Assert.Equal(CircuitState.Open, details.Status.Circuit);
        Assert.Equal("5 consecutive failures seen by gw-alt-1; last: HTTP 500", details.Status.LastChangeReason);
    }

    [Fact]
    public async Task ReportOutcomesAsync_OneReportWithSuccessesBeforeAFailure_AppliesThemInOrder()
    {
        var (_, _, grain) = await ConfiguredAsync(9306);

        await Outcomes.ReportAsync(
            grain,
            "gw-order",
            new OutcomeEntry(OutcomeKind.Failure, 1, TimeSpan.FromMilliseconds(9), 0, Error: "HTTP 500"),
            new OutcomeEntry(OutcomeKind.Success, 3, TimeSpan.FromMilliseconds(30), 0),
            new OutcomeEntry(OutcomeKind.Failure, 1, TimeSpan.FromMilliseconds(9), 0, Error: "HTTP 502"));

        var details = await grain.GetDetailsAsync();
        Assert.Equal(1, details.Status.ConsecutiveFailures);
        Assert.Equal(5, details.Status.CompletedCalls);
        Assert.Equal(10, details.Status.EwmaLatencyMs, precision: 9);
        Assert.True(details.Status.Measured);
    }

    [Fact]
    public async Task ReportOutcomesAsync_Backpressure_KeepsOrdinaryTrafficAwayForTheCappedTime()
    {
        // Issue 9 item 5, grain side.
        var (service, endpoint, grain) = await ConfiguredAsync(9307);
        var now = fixture.Time.GetUtcNow();
        await Outcomes.ReportAsync(grain, OutcomeKind.Failure, TimeSpan.FromMilliseconds(2));

        await Outcomes.ReportAsync(grain, OutcomeKind.Backpressure, TimeSpan.FromMilliseconds(2), retryAfter: TimeSpan.FromSeconds(12));

        var details = await grain.GetDetailsAsync();
        Assert.Equal(now + TimeSpan.FromSeconds(12), details.Status.BackoffUntil);
        Assert.Equal(CircuitState.Closed, details.Status.Circuit);
        Assert.Equal(1, details.Status.ConsecutiveFailures);
        Assert.False(details.Status.Measured);
        var seen = await Eventually.MatchAsync(
            () => fixture.Client.GetGrain<IServiceGrain>(service).GetSnapshotAsync().AsTask(),
            s => !s.Instances.Single().Selectable,
            "the service grain to see the backpressure");
        Assert.StartsWith("backpressure", seen.Instances.Single().NotSelectableReason, StringComparison.Ordinal);

        // Asked for ten minutes: capped by circuit_breaker.max_retry_after (60 s).
        await Outcomes.ReportAsync(grain, OutcomeKind.Backpressure, TimeSpan.FromMilliseconds(2), retryAfter: TimeSpan.FromMinutes(10));
        Assert.Equal(now + TimeSpan.FromSeconds(60), (await grain.GetDetailsAsync()).Status.BackoffUntil);

        // Five answers of backpressure in a row are not five failures.
        for (var i = 0; i < 5; i++)
        {
            await Outcomes.ReportAsync(grain, OutcomeKind.Backpressure, TimeSpan.FromMilliseconds(2));
        }

        details = await grain.GetDetailsAsync();
        Assert.Equal(CircuitState.Closed, details.Status.Circuit);
        Assert.Equal(now + TimeSpan.FromSeconds(60), details.Status.BackoffUntil);
        Assert.Equal(endpoint, details.Endpoint);
    }

    [Fact]
    public async Task ReportOutcomesAsync_BackpressureWithoutRetryAfter_PausesForTheDefault()
    {
        var (_, _, grain) = await ConfiguredAsync(9308);
        var now = fixture.Time.GetUtcNow();

        await Outcomes.ReportAsync(grain, OutcomeKind.Backpressure, TimeSpan.FromMilliseconds(2));

        Assert.Equal(now + InstanceGrain.DefaultRetryAfter, (await grain.GetDetailsAsync()).Status.BackoffUntil);
    }

    [Fact]
    public async Task Persistence_OpenCircuit_ANewActivationReadsItBack()
    {
        // Issue 9 item 7: the breaker state outlives the activation that held it.
        var (_, endpoint, grain) = await ConfiguredAsync(9309);
        var opened = await OpenAsync(grain);

        await fixture.DeactivateAsync(grain);

        var restored = await grain.GetDetailsAsync();
        Assert.NotEqual(opened.Status.Incarnation, restored.Status.Incarnation);
        Assert.Equal(CircuitState.Open, restored.Status.Circuit);
        Assert.Equal(1, restored.Status.BreakerGeneration);
        Assert.Equal(opened.OpenUntil, restored.OpenUntil);
        Assert.Contains(restored.History, h => h.What == "circuit Open restored");

        // The restored open period ends on time and trials follow.
        await grain.ConfigureAsync(endpoint);
        await fixture.AdvanceAsync(opened.OpenUntil!.Value - fixture.Time.GetUtcNow());
        Assert.Equal(3, (await grain.AcquireTrialLeasesAsync("gw-1", 5)).LeaseIds.Length);
    }

    [Fact]
    public async Task RetireAsync_OpenCircuit_ItsStoredStateGoesWithTheEndpoint()
    {
        var (_, _, grain) = await ConfiguredAsync(9311);
        await OpenAsync(grain);

        await grain.RetireAsync();
        await fixture.DeactivatedAsync(grain, "the retired grain to deactivate");

        // A late report activates it again: nothing stored, so it counts nothing and leaves.
        await Outcomes.ReportAsync(grain, OutcomeKind.Failure, TimeSpan.FromMilliseconds(3));
        var details = await grain.GetDetailsAsync();
        Assert.Equal(CircuitState.Closed, details.Status.Circuit);
        Assert.Equal(0, details.Status.BreakerGeneration);
        Assert.Equal(0, details.Status.CompletedCalls);
        Assert.Empty(details.History);
    }

    [Fact]
    public async Task Persistence_HalfOpenCircuit_RestoresWithoutLeasesUnderANewGeneration()
    {
        var (_, endpoint, grain) = await ConfiguredAsync(9310);
        await HalfOpenAsync(grain);
        var before = await grain.AcquireTrialLeasesAsync("gw-1", 3);
        Assert.Equal(3, before.LeaseIds.Length);

        await fixture.DeactivateAsync(grain);

        await grain.ConfigureAsync(endpoint);
        var restored = await grain.GetDetailsAsync();
        Assert.Equal(CircuitState.HalfOpen, restored.Status.Circuit);
        Assert.Equal(3, restored.Status.BreakerGeneration);
        Assert.Equal(0, restored.ActiveTrialLeases);
        Assert.True(restored.Status.TrialAvailable);

        // A trial of the lost activation reports: its generation is over, it closes nothing.
        await Outcomes.ReportAsync(grain, OutcomeKind.Success, TimeSpan.FromMilliseconds(2), before.Generation, before.LeaseIds[0], reporter: "gw-1");
        Assert.Equal(CircuitState.HalfOpen, (await grain.GetDetailsAsync()).Status.Circuit);
    }

    [Fact]
    public async Task HealthProbe_HungBackend_DoesNotBlockReportsOrConfiguration()
    {
        // Issue 8: a backend that accepts connections and never answers /health.
        await using var backend = await TestBackend.StartAsync();
        backend.Hang = true;
        var service = NewService();
        var endpoint = Ready(backend.Port);
        await fixture.PublishAsync(service, 1, endpoint);
        var grain = Instance(service, endpoint);
        await fixture.AdvanceUntilAsync(() => backend.HealthCalls >= 1, TimeSpan.FromSeconds(1), "the first probe to hang");

        // The probe is in flight (its 5 s timeout runs on the fake clock, which stands still here).
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await Outcomes.ReportAsync(grain, OutcomeKind.Success, TimeSpan.FromMilliseconds(4)).WaitAsync(NoWait);
        var reported = watch.Elapsed;
        var status = await grain.ConfigureAsync(endpoint).AsTask().WaitAsync(NoWait);
        output.WriteLine($"with a probe hung: ReportOutcomesAsync {reported.TotalMilliseconds:0.###} ms, ConfigureAsync {(watch.Elapsed - reported).TotalMilliseconds:0.###} ms");
        var details = await grain.GetDetailsAsync().AsTask().WaitAsync(NoWait);

        Assert.Equal(1, status.CompletedCalls);
        Assert.Equal(HealthState.Unknown, details.Status.Health);
        Assert.Equal(1, backend.HealthCalls);

        // Three timed-out probes make it unhealthy, each ended by its own timeout. (How many reached the
        // backend depends on how far the clock stepped before each request was sent, so it is not counted.)
        await fixture.AdvanceUntilAsync(
            () => grain.GetDetailsAsync().AsTask().Result.Status.Health == HealthState.Unhealthy,
            TimeSpan.FromSeconds(1),
            "three probes to time out");
        var unhealthy = await grain.GetDetailsAsync();
        Assert.Equal("3 consecutive failed health checks; last: timeout after 5 s", unhealthy.Status.LastChangeReason);
    }

    [Fact]
    public async Task HealthProbe_PassingProbe_ResetsTheFailureCountOfAnIdleInstance()
    {
        // Issue 9 item 4: one 5xx must not sideline a repaired instance that gets no traffic.
        await using var backend = await TestBackend.StartAsync();
        backend.Status = HttpStatusCode.ServiceUnavailable;
        var (service, endpoint, grain) = await ConfiguredAsync(backend.Port);
        for (var i = 0; i < 3; i++)
        {
            await Outcomes.ReportAsync(grain, OutcomeKind.Failure, TimeSpan.FromMilliseconds(3), error: "HTTP 503");
        }

        Assert.Equal(3, (await grain.GetDetailsAsync()).Status.ConsecutiveFailures);

        var probes = backend.HealthCalls;
        await fixture.AdvanceUntilAsync(() => backend.HealthCalls > probes, TimeSpan.FromSeconds(1), "a failing probe");
        Assert.Equal(3, (await grain.GetDetailsAsync()).Status.ConsecutiveFailures);

        // Repaired: the next probe (at most one interval away) passes, and its result alone resets the count.
        backend.Status = HttpStatusCode.OK;
        probes = backend.HealthCalls;
        await fixture.AdvanceUntilAsync(() => backend.HealthCalls > probes, TimeSpan.FromSeconds(1), "a passing probe");

        // The first probe after the repair does it, with the clock standing still from here.
        Assert.Equal(probes + 1, backend.HealthCalls);
        await Eventually.MatchAsync(
            () => grain.GetDetailsAsync().AsTask(),
            d => d.Status.ConsecutiveFailures == 0,
            "the passing probe to reset the failures");

        var details = await grain.GetDetailsAsync();
        Assert.True(details.Status.Measured);
        Assert.Equal(HealthState.Healthy, details.Status.Health);
        await Eventually.MatchAsync(
            () => fixture.Client.GetGrain<IServiceGrain>(service).GetSnapshotAsync().AsTask(),
            s => s.Instances.Single(i => i.InstanceId == endpoint.InstanceId).ConsecutiveFailures == 0,
            "the service grain to see the reset");
    }
}
