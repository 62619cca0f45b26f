using Microsoft.Extensions.Time.Testing;
using TradingAgents.Actors.CircuitBreaking;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Tests.CircuitBreaking;

public sealed class CircuitBreakerTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan LeaseLifetime = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly CircuitBreaker _breaker;

    public CircuitBreakerTests()
    {
        _breaker = new CircuitBreaker(new CircuitBreakerOptions(), _time, LeaseLifetime, firstLeaseId: 100);
    }

    [Fact]
    public void Record_FourFailures_StaysClosed()
    {
        for (var i = 0; i < 4; i++)
        {
            Assert.False(Fail("gw-1", "HTTP 503"));
        }

        Assert.Equal(CircuitState.Closed, _breaker.State);
        Assert.Equal(4, _breaker.ConsecutiveFailures);
        Assert.Equal(0, _breaker.Generation);
        Assert.Null(_breaker.OpenUntil);
        Assert.Null(_breaker.LastTransition);
        Assert.Equal(0, _breaker.TransitionCount);
    }

    [Fact]
    public void Record_FifthFailureFromOneReporter_OpensForRecoveryTimeoutWithReason()
    {
        FailTimes("gw-1", 4);

        Assert.True(Fail("gw-1", "HTTP 503"));

        Assert.Equal(CircuitState.Open, _breaker.State);
        Assert.Equal(1, _breaker.Generation);
        Assert.Equal(Start.AddSeconds(30), _breaker.OpenUntil);
        Assert.Equal(
            new CircuitTransition(CircuitState.Closed, CircuitState.Open, Start, "5 consecutive failures seen by gw-1; last: HTTP 503"),
            _breaker.LastTransition);
        Assert.Equal(0, _breaker.ConsecutiveFailures);
        Assert.Equal(0, _breaker.ReportersWithRuns);
    }

    [Fact]
    public void Record_FailuresWithoutError_ReasonOmitsLast()
    {
        FailTimes("gw-1", 5, error: null);

        Assert.Equal("5 consecutive failures seen by gw-1", _breaker.LastTransition?.Reason);
    }

    [Fact]
    public void Record_SuccessBetweenFailures_ResetsThatReportersRun()
    {
        FailTimes("gw-1", 4);
        Assert.False(Succeed("gw-1"));
        Assert.Equal(0, _breaker.ConsecutiveFailures);
        Assert.Equal(0, _breaker.ReportersWithRuns);
        FailTimes("gw-1", 4);

        Assert.Equal(CircuitState.Closed, _breaker.State);
        Assert.True(Fail("gw-1", "timeout"));
        Assert.Equal(CircuitState.Open, _breaker.State);
    }

    [Fact]
    public void Record_AlternatingFailureAndSuccess_NeverOpens()
    {
        // Issue 8: a backend answering 500, 200, 500, 200, ... has no run of five failures.
        for (var i = 0; i < 1000; i++)
        {
            Fail("gw-1");
            Succeed("gw-1");
        }

        Assert.Equal(CircuitState.Closed, _breaker.State);
        Assert.Equal(0, _breaker.TransitionCount);
    }

    [Fact]
    public void Record_RunsOfTwoReporters_AreCountedSeparately()
    {
        // Four failures seen by each of two gateways, their successes interleaved elsewhere: no run of five.
        FailTimes("gw-1", 4);
        FailTimes("gw-2", 4);
        Succeed("gw-1");

        Assert.Equal(CircuitState.Closed, _breaker.State);
        Assert.Equal(4, _breaker.ConsecutiveFailures);
        Assert.True(Fail("gw-2"));
        Assert.Equal("5 consecutive failures seen by gw-2; last: HTTP 500", _breaker.LastTransition?.Reason);
    }

    [Fact]
    public void Record_CancelledAndBackpressure_ChangeNoRun()
    {
        // Issue 9 item 1: four 503s, then an abort, three times over: 12 failures, yet no run of five.
        for (var round = 0; round < 3; round++)
        {
            FailTimes("gw-1", 4);
            Assert.False(_breaker.Record("gw-1", OutcomeKind.Cancelled, 1, 0, 0));
            Assert.Equal(4, _breaker.ConsecutiveFailures);
            Succeed("gw-1");
        }

        FailTimes("gw-1", 4);
        Assert.False(_breaker.Record("gw-1", OutcomeKind.Cancelled, 1, 0, 0));
        Assert.False(_breaker.Record("gw-1", OutcomeKind.Backpressure, 1, 0, 0));
        Assert.Equal(4, _breaker.ConsecutiveFailures);
        Assert.True(Fail("gw-1"));
        Assert.Equal(CircuitState.Open, _breaker.State);
    }

    [Fact]
    public void Record_AbortsBetweenFailures_NeitherResetNorCount()
    {
        FailTimes("gw-1", 2);
        _breaker.Record("gw-1", OutcomeKind.Cancelled, 1, 0, 0);
        FailTimes("gw-1", 2);
        _breaker.Record("gw-1", OutcomeKind.Cancelled, 1, 0, 0);

        Assert.Equal(4, _breaker.ConsecutiveFailures);
        Assert.Equal(CircuitState.Closed, _breaker.State);
    }

    [Fact]
    public void Record_OutcomeOfAnOlderGeneration_ChangesNothing()
    {
        Trip();
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(CircuitState.HalfOpen, _breaker.State);

        // Issue 9 item 2: calls admitted while closed (generation 0) fail during half-open.
        for (var i = 0; i < 10; i++)
        {
            Assert.False(_breaker.Record("gw-1", OutcomeKind.Failure, 1, generation: 0, leaseId: 0, "HTTP 500"));
        }

        Assert.Equal(CircuitState.HalfOpen, _breaker.State);
        Assert.Equal(2, _breaker.Generation);
        Assert.True(_breaker.TrialAvailable);
    }

    [Fact]
    public void State_JustBeforeRecoveryTimeout_StillOpen()
    {
        Trip();
        _time.Advance(TimeSpan.FromMilliseconds(29_999));

        Assert.False(_breaker.Update());
        Assert.Equal(CircuitState.Open, _breaker.State);
        Assert.Empty(_breaker.AcquireTrials("gw-1", 1));
        Assert.False(_breaker.TrialAvailable);
        Assert.Equal(Start.AddSeconds(30), _breaker.OpenUntil);
    }

    [Fact]
    public void Update_AtRecoveryTimeout_TurnsHalfOpenWithReason()
    {
        Trip();
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.True(_breaker.Update());
        Assert.False(_breaker.Update());
        Assert.Equal(CircuitState.HalfOpen, _breaker.State);
        Assert.Equal(2, _breaker.Generation);
        Assert.Null(_breaker.OpenUntil);
        Assert.True(_breaker.TrialAvailable);
        Assert.Equal(
            new CircuitTransition(CircuitState.Open, CircuitState.HalfOpen, Start.AddSeconds(30), "recovery timeout of 30 s elapsed"),
            _breaker.LastTransition);
    }

    [Fact]
    public void State_QueriedLateAfterRecovery_TransitionsLazilyAtOpenUntil()
    {
        Trip();
        _time.Advance(TimeSpan.FromSeconds(45));

        Assert.Equal(CircuitState.HalfOpen, _breaker.State);
        Assert.Equal(2, _breaker.TransitionCount);
        Assert.Equal(Start.AddSeconds(30), _breaker.LastTransition?.At);
        Assert.False(_breaker.Update());
    }

    [Fact]
    public void Record_AfterRecoveryTimeout_ReportsTheLazyChange()
    {
        Trip();
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.True(Succeed("gw-1", generation: 1));
        Assert.False(Succeed("gw-1", generation: 1));
        Assert.Equal(CircuitState.HalfOpen, _breaker.State);
    }

    [Fact]
    public void AcquireTrials_HalfOpen_GrantsThreeUniqueLeasesAndRefusesTheFourth()
    {
        TripAndRecover();

        var first = _breaker.AcquireTrials("gw-1", 2);
        var second = _breaker.AcquireTrials("gw-2", 5);

        Assert.Equal([100L, 101L], first.Select(l => l.Id));
        Assert.Equal([102L], second.Select(l => l.Id));
        Assert.All(first.Concat(second), l => Assert.Equal(Start.AddSeconds(30) + LeaseLifetime, l.Expiry));
        Assert.Equal("gw-2", second[0].Holder);
        Assert.Empty(_breaker.AcquireTrials("gw-3", 1));
        Assert.Equal(3, _breaker.ActiveTrials);
        Assert.False(_breaker.TrialAvailable);
        Assert.Equal(Start.AddSeconds(30) + LeaseLifetime, _breaker.NextLeaseExpiry);
    }

    [Fact]
    public void AcquireTrials_OneLeaseExpires_FreesExactlyOneSlotWithANewId()
    {
        TripAndRecover();
        var early = Assert.Single(_breaker.AcquireTrials("gw-1", 1));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, _breaker.AcquireTrials("gw-1", 2).Count);

        _time.Advance(LeaseLifetime - TimeSpan.FromSeconds(1) - TimeSpan.FromMilliseconds(1));
        Assert.Empty(_breaker.AcquireTrials("gw-2", 1));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, _breaker.ActiveTrials);
        var again = Assert.Single(_breaker.AcquireTrials("gw-2", 3));
        Assert.Equal(103, again.Id);
        Assert.Empty(_breaker.AcquireTrials("gw-2", 1));

        // The expired lease's late outcome is unknown now: it decides nothing.
        Assert.False(_breaker.Record("gw-1", OutcomeKind.Failure, 1, 2, early.Id, "HTTP 500"));
        Assert.Equal(CircuitState.HalfOpen, _breaker.State);
        Assert.Equal(3, _breaker.ActiveTrials);
    }

    [Fact]
    public void AcquireTrials_HungTrial_SecondWaveOnlyAfterTheLeaseLifetime()
    {
        // Issue 9 item 2: the lease lives until its call has provably ended, so a hung trial keeps its slot.
        TripAndRecover();
        var leases = _breaker.AcquireTrials("gw-1", 3);
        Assert.Equal(3, leases.Count);
        var granted = 3;
        for (var second = 0; second < 9; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            granted += _breaker.AcquireTrials("gw-2", 3).Count;
        }

        Assert.Equal(3, granted);
    }

    [Fact]
    public void Record_TrialSuccess_ClosesAndStartsFreshRuns()
    {
        TripAndRecover();
        var leases = _breaker.AcquireTrials("gw-1", 2);
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.True(_breaker.Record("gw-1", OutcomeKind.Success, 1, 2, leases[1].Id));

        Assert.Equal(CircuitState.Closed, _breaker.State);
        Assert.Equal(3, _breaker.Generation);
        Assert.Equal(0, _breaker.ConsecutiveFailures);
        Assert.Equal(0, _breaker.ActiveTrials);
        Assert.Empty(_breaker.AcquireTrials("gw-1", 1));
        Assert.Equal(
            new CircuitTransition(CircuitState.HalfOpen, CircuitState.Closed, Start.AddSeconds(32), "trial call of gw-1 succeeded"),
            _breaker.LastTransition);

        // The other trial reports late: its generation is over, it counts for nothing.
        Assert.False(_breaker.Record("gw-1", OutcomeKind.Failure, 1, 2, leases[0].Id, "HTTP 500"));
        Assert.Equal(0, _breaker.ConsecutiveFailures);

        FailTimes("gw-1", 4, generation: 3);
        Assert.Equal(CircuitState.Closed, _breaker.State);
        Assert.True(Fail("gw-1", generation: 3));
    }

    [Fact]
    public void Record_TrialFailure_ReopensForAnotherRecoveryTimeout()
    {
        TripAndRecover();
        var leases = _breaker.AcquireTrials("gw-1", 2);
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.True(_breaker.Record("gw-1", OutcomeKind.Failure, 1, 2, leases[0].Id, "connection refused"));

        Assert.Equal(CircuitState.Open, _breaker.State);
        Assert.Equal(3, _breaker.Generation);
        Assert.Equal(Start.AddSeconds(62), _breaker.OpenUntil);
        Assert.Equal(
            new CircuitTransition(CircuitState.HalfOpen, CircuitState.Open, Start.AddSeconds(32), "trial call of gw-1 failed: connection refused"),
            _breaker.LastTransition);

        _time.Advance(TimeSpan.FromMilliseconds(29_999));
        Assert.Equal(CircuitState.Open, _breaker.State);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(CircuitState.HalfOpen, _breaker.State);

        // The leases of the earlier half-open period do not count against the new one.
        Assert.Equal(3, _breaker.AcquireTrials("gw-2", 5).Count);
    }

    [Fact]
    public void Record_TrialFailureWithoutError_ReasonHasNoCause()
    {
        TripAndRecover();
        var lease = Assert.Single(_breaker.AcquireTrials("gw-1", 1));

        _breaker.Record("gw-1", OutcomeKind.Failure, 1, 2, lease.Id);

        Assert.Equal("trial call of gw-1 failed", _breaker.LastTransition?.Reason);
    }

    [Fact]
    public void Record_AbortedTrial_FreesItsSlotAndDecidesNothing()
    {
        // Issue 9 item 1: an aborted trial must not close the circuit.
        TripAndRecover();
        var leases = _breaker.AcquireTrials("gw-1", 3);
        Assert.False(_breaker.TrialAvailable);

        Assert.False(_breaker.Record("gw-1", OutcomeKind.Cancelled, 1, 2, leases[0].Id));
        Assert.False(_breaker.Record("gw-1", OutcomeKind.Backpressure, 1, 2, leases[1].Id));

        Assert.Equal(CircuitState.HalfOpen, _breaker.State);
        Assert.Equal(2, _breaker.Generation);
        Assert.Equal(1, _breaker.ActiveTrials);
        Assert.True(_breaker.TrialAvailable);

        // A resent cancel of the same lease frees nothing more.
        Assert.False(_breaker.Record("gw-1", OutcomeKind.Cancelled, 1, 2, leases[0].Id));
        Assert.Equal(1, _breaker.ActiveTrials);
    }

    [Fact]
    public void Record_FailuresWhileOpen_DoNotExtendOpenPeriod()
    {
        Trip();
        _time.Advance(TimeSpan.FromSeconds(20));

        Assert.False(Fail("gw-1", generation: 0));
        Assert.False(Fail("gw-1", generation: 1));

        Assert.Equal(Start.AddSeconds(30), _breaker.OpenUntil);
        Assert.Equal(1, _breaker.TransitionCount);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(CircuitState.HalfOpen, _breaker.State);
    }

    [Fact]
    public void Record_SuccessWhileOpen_DoesNotClose()
    {
        Trip();

        Assert.False(Succeed("gw-1", generation: 1));
        Assert.False(Succeed("gw-1", generation: 0));

        Assert.Equal(CircuitState.Open, _breaker.State);
    }

    [Fact]
    public void Record_OrdinaryOutcomesWhileHalfOpen_LeaveTheDecisionToTrials()
    {
        TripAndRecover();
        Assert.Single(_breaker.AcquireTrials("gw-1", 1));

        Assert.False(Fail("gw-2", generation: 2));
        Assert.False(Succeed("gw-2", generation: 2));

        Assert.Equal(CircuitState.HalfOpen, _breaker.State);
        Assert.Equal(1, _breaker.ActiveTrials);
    }

    [Fact]
    public void AcquireTrials_Closed_Refuses()
    {
        Assert.Empty(_breaker.AcquireTrials("gw-1", 3));
        Assert.Equal(0, _breaker.ActiveTrials);
        Assert.False(_breaker.TrialAvailable);
        Assert.Null(_breaker.NextLeaseExpiry);
    }

    [Fact]
    public void SaveRestore_Open_RestoresTheSameOpenPeriod()
    {
        Trip();
        var saved = _breaker.Save();

        var restored = new CircuitBreaker(new CircuitBreakerOptions(), _time, LeaseLifetime, firstLeaseId: 500);
        Assert.False(restored.Restore(saved));

        Assert.Equal(CircuitState.Open, restored.State);
        Assert.Equal(1, restored.Generation);
        Assert.Equal(Start.AddSeconds(30), restored.OpenUntil);
        Assert.Equal(_breaker.LastTransition, restored.LastTransition);
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(CircuitState.HalfOpen, restored.State);
        Assert.Equal(2, restored.Generation);
    }

    [Fact]
    public void SaveRestore_HalfOpen_RestoresWithoutLeasesUnderTheNextGeneration()
    {
        TripAndRecover();
        var lease = Assert.Single(_breaker.AcquireTrials("gw-1", 1));
        var saved = _breaker.Save();
        Assert.Equal(CircuitState.HalfOpen, saved.State);

        var restored = new CircuitBreaker(new CircuitBreakerOptions(), _time, LeaseLifetime, firstLeaseId: lease.Id);
        Assert.True(restored.Restore(saved));

        Assert.Equal(CircuitState.HalfOpen, restored.State);
        Assert.Equal(3, restored.Generation);
        Assert.Equal(0, restored.ActiveTrials);

        // The lost activation's trial reports under generation 2, even with a colliding lease id: nothing.
        Assert.Equal(3, restored.AcquireTrials("gw-2", 3).Count);
        Assert.False(restored.Record("gw-1", OutcomeKind.Success, 1, 2, lease.Id));
        Assert.Equal(CircuitState.HalfOpen, restored.State);
    }

    [Fact]
    public void Constructor_CustomOptions_AreUsedAndCopied()
    {
        var options = new CircuitBreakerOptions { FailureThreshold = 2, RecoveryTimeout = TimeSpan.FromMilliseconds(1500), HalfOpenMaxCalls = 1 };
        var breaker = new CircuitBreaker(options, _time, LeaseLifetime);
        options.FailureThreshold = 100;

        breaker.Record("gw-1", OutcomeKind.Failure, 1, 0, 0);
        Assert.True(breaker.Record("gw-1", OutcomeKind.Failure, 1, 0, 0));
        Assert.Equal(Start.AddMilliseconds(1500), breaker.OpenUntil);

        _time.Advance(TimeSpan.FromMilliseconds(1500));
        Assert.Equal("recovery timeout of 1.5 s elapsed", breaker.LastTransition?.Reason);
        Assert.Single(breaker.AcquireTrials("gw-1", 2));
        Assert.Empty(breaker.AcquireTrials("gw-1", 1));
    }

    [Fact]
    public void Constructor_ThresholdOfOne_ReasonIsSingular()
    {
        var breaker = new CircuitBreaker(new CircuitBreakerOptions { FailureThreshold = 1 }, _time, LeaseLifetime);

        Assert.True(breaker.Record("gw-1", OutcomeKind.Failure, 1, 0, 0, "HTTP 502"));

        Assert.Equal("1 consecutive failure seen by gw-1; last: HTTP 502", breaker.LastTransition?.Reason);
    }

    [Fact]
    public void Open_RecoveryTimeoutBeyondCalendar_ClampsOpenUntil()
    {
        var breaker = new CircuitBreaker(new CircuitBreakerOptions { FailureThreshold = 1, RecoveryTimeout = TimeSpan.MaxValue }, _time, LeaseLifetime);

        breaker.Record("gw-1", OutcomeKind.Failure, 1, 0, 0);

        Assert.Equal(DateTimeOffset.MaxValue, breaker.OpenUntil);
    }

    [Theory]
    [InlineData(0, 30, 3, 10, "FailureThreshold")]
    [InlineData(5, 0, 3, 10, "RecoveryTimeout")]
    [InlineData(5, 30, 0, 10, "HalfOpenMaxCalls")]
    [InlineData(5, 30, 3, 0, "trial lease lifetime")]
    public void Constructor_InvalidSetting_ThrowsNamingIt(int threshold, int recoverySeconds, int maxCalls, int leaseSeconds, string named)
    {
        var options = new CircuitBreakerOptions
        {
            FailureThreshold = threshold,
            RecoveryTimeout = TimeSpan.FromSeconds(recoverySeconds),
            HalfOpenMaxCalls = maxCalls,
        };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new CircuitBreaker(options, _time, TimeSpan.FromSeconds(leaseSeconds)));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    private bool Fail(string reporter, string? error = "HTTP 500", long generation = 0) =>
        _breaker.Record(reporter, OutcomeKind.Failure, 1, generation, 0, error);

    private bool Succeed(string reporter, long generation = 0) =>
        _breaker.Record(reporter, OutcomeKind.Success, 1, generation, 0);

    private void FailTimes(string reporter, int count, string? error = "HTTP 503", long generation = 0)
    {
        for (var i = 0; i < count; i++)
        {
            Fail(reporter, error, generation);
        }
    }

    private void Trip()
    {
        FailTimes("gw-1", 5);
        Assert.Equal(CircuitState.Open, _breaker.State);
    }

    private void TripAndRecover()
    {
        Trip();
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(CircuitState.HalfOpen, _breaker.State);
        Assert.Equal(2, _breaker.Generation);
    }
}
