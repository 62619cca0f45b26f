using Microsoft.Extensions.Time.Testing;
using TradingAgents.Actors.CircuitBreaking;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Discovery;

namespace TradingAgents.Actors.Tests.CircuitBreaking;

public sealed class CircuitBreakerTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan LeaseTimeout = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly CircuitBreaker _breaker;

    public CircuitBreakerTests()
    {
        _breaker = new CircuitBreaker(new CircuitBreakerOptions(), _time, LeaseTimeout);
    }

    [Fact]
    public void RecordOutcome_FourFailures_StaysClosed()
    {
        for (var i = 0; i < 4; i++)
        {
            Assert.False(_breaker.RecordOutcome(false, "HTTP 503"));
        }

        Assert.Equal(CircuitState.Closed, _breaker.State);
        Assert.Equal(4, _breaker.ConsecutiveFailures);
        Assert.Null(_breaker.OpenUntil);
        Assert.Null(_breaker.LastTransition);
        Assert.Equal(0, _breaker.TransitionCount);
    }

    [Fact]
    public void RecordOutcome_FifthFailure_OpensForRecoveryTimeoutWithReason()
    {
        FailTimes(4);

        Assert.True(_breaker.RecordOutcome(false, "HTTP 503"));

        Assert.Equal(CircuitState.Open, _breaker.State);
        Assert.Equal(Start.AddSeconds(30), _breaker.OpenUntil);
        Assert.Equal(
            new CircuitTransition(CircuitState.Closed, CircuitState.Open, Start, "5 consecutive failures; last: HTTP 503"),
            _breaker.LastTransition);
        Assert.Equal(1, _breaker.TransitionCount);
    }

    [Fact]
    public void RecordOutcome_FailuresWithoutError_ReasonOmitsLast()
    {
        for (var i = 0; i < 5; i++)
        {
            _breaker.RecordOutcome(false);
        }

        Assert.Equal("5 consecutive failures", _breaker.LastTransition?.Reason);
    }

    [Fact]
    public void RecordOutcome_SuccessBetweenFailures_ResetsConsecutiveCount()
    {
        FailTimes(4);
        Assert.False(_breaker.RecordOutcome(true));
        Assert.Equal(0, _breaker.ConsecutiveFailures);
        FailTimes(4);

        Assert.Equal(CircuitState.Closed, _breaker.State);
        Assert.True(_breaker.RecordOutcome(false, "timeout"));
        Assert.Equal(CircuitState.Open, _breaker.State);
    }

    [Fact]
    public void State_JustBeforeRecoveryTimeout_StillOpen()
    {
        Trip();
        _time.Advance(TimeSpan.FromMilliseconds(29_999));

        Assert.False(_breaker.Update());
        Assert.Equal(CircuitState.Open, _breaker.State);
        Assert.False(_breaker.TryAcquireTrial());
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
        Assert.Null(_breaker.OpenUntil);
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
    public void RecordOutcome_AfterRecoveryTimeout_ReportsTheLazyChange()
    {
        Trip();
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.True(_breaker.RecordOutcome(true));
        Assert.False(_breaker.RecordOutcome(true));
        Assert.Equal(CircuitState.HalfOpen, _breaker.State);
    }

    [Fact]
    public void TryAcquireTrial_HalfOpen_GrantsThreeAndRefusesFourth()
    {
        TripAndRecover();

        Assert.True(_breaker.TryAcquireTrial());
        Assert.True(_breaker.TryAcquireTrial());
        Assert.True(_breaker.TryAcquireTrial());
        Assert.False(_breaker.TryAcquireTrial());
        Assert.Equal(3, _breaker.ActiveTrials);
    }

    [Fact]
    public void TryAcquireTrial_TenInterleavedCallers_GrantsExactlyThreeUntilLeasesExpire()
    {
        TripAndRecover();

        var granted = new List<int>();
        for (var caller = 0; caller < 10; caller++)
        {
            if (_breaker.TryAcquireTrial())
            {
                granted.Add(caller);
            }

            // Other callers' ordinary traffic and a little time interleave with the acquisitions.
            _breaker.RecordOutcome(true);
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal([0, 1, 2], granted);

        _time.Advance(LeaseTimeout);
        var regranted = Enumerable.Range(0, 10).Count(_ => _breaker.TryAcquireTrial());
        Assert.Equal(3, regranted);
        Assert.Equal(CircuitState.HalfOpen, _breaker.State);
    }

    [Fact]
    public void TryAcquireTrial_OneLeaseExpires_FreesExactlyOneSlot()
    {
        TripAndRecover();
        Assert.True(_breaker.TryAcquireTrial());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(_breaker.TryAcquireTrial());
        Assert.True(_breaker.TryAcquireTrial());

        _time.Advance(LeaseTimeout - TimeSpan.FromSeconds(1) - TimeSpan.FromMilliseconds(1));
        Assert.False(_breaker.TryAcquireTrial());

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, _breaker.ActiveTrials);
        Assert.True(_breaker.TryAcquireTrial());
        Assert.False(_breaker.TryAcquireTrial());
    }

    [Fact]
    public void ReleaseTrial_Success_ClosesAndResetsCounts()
    {
        TripAndRecover();
        _breaker.TryAcquireTrial();
        _breaker.TryAcquireTrial();
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.True(_breaker.ReleaseTrial(true));

        Assert.Equal(CircuitState.Closed, _breaker.State);
        Assert.Equal(0, _breaker.ConsecutiveFailures);
        Assert.Equal(0, _breaker.ActiveTrials);
        Assert.False(_breaker.TryAcquireTrial());
        Assert.Equal(
            new CircuitTransition(CircuitState.HalfOpen, CircuitState.Closed, Start.AddSeconds(32), "trial call succeeded"),
            _breaker.LastTransition);

        FailTimes(4);
        Assert.Equal(CircuitState.Closed, _breaker.State);
        Assert.True(_breaker.RecordOutcome(false));
    }

    [Fact]
    public void ReleaseTrial_Failure_ReopensForAnotherRecoveryTimeout()
    {
        TripAndRecover();
        _breaker.TryAcquireTrial();
        _breaker.TryAcquireTrial();
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.True(_breaker.ReleaseTrial(false, "connection refused"));

        Assert.Equal(CircuitState.Open, _breaker.State);
        Assert.Equal(Start.AddSeconds(62), _breaker.OpenUntil);
        Assert.Equal(
            new CircuitTransition(CircuitState.HalfOpen, CircuitState.Open, Start.AddSeconds(32), "trial call failed: connection refused"),
            _breaker.LastTransition);

        _time.Advance(TimeSpan.FromMilliseconds(29_999));
        Assert.Equal(CircuitState.Open, _breaker.State);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(CircuitState.HalfOpen, _breaker.State);

        // The leases of the earlier half-open period do not count against the new one.
        Assert.Equal(3, Enumerable.Range(0, 5).Count(_ => _breaker.TryAcquireTrial()));
    }

    [Fact]
    public void ReleaseTrial_FailureWithoutError_ReasonHasNoCause()
    {
        TripAndRecover();
        _breaker.TryAcquireTrial();

        _breaker.ReleaseTrial(false);

        Assert.Equal("trial call failed", _breaker.LastTransition?.Reason);
    }

    [Fact]
    public void ReleaseTrial_LateAfterClose_CountsAsOrdinaryOutcome()
    {
        TripAndRecover();
        _breaker.TryAcquireTrial();
        _breaker.TryAcquireTrial();
        _breaker.ReleaseTrial(true);

        Assert.False(_breaker.ReleaseTrial(false, "HTTP 500"));

        Assert.Equal(CircuitState.Closed, _breaker.State);
        Assert.Equal(1, _breaker.ConsecutiveFailures);
    }

    [Fact]
    public void RecordOutcome_FailuresWhileOpen_DoNotExtendOpenPeriod()
    {
        Trip();
        _time.Advance(TimeSpan.FromSeconds(20));

        Assert.False(_breaker.RecordOutcome(false, "HTTP 503"));
        Assert.False(_breaker.ReleaseTrial(false, "HTTP 503"));

        Assert.Equal(Start.AddSeconds(30), _breaker.OpenUntil);
        Assert.Equal(1, _breaker.TransitionCount);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(CircuitState.HalfOpen, _breaker.State);
    }

    [Fact]
    public void RecordOutcome_SuccessWhileOpen_DoesNotClose()
    {
        Trip();

        Assert.False(_breaker.RecordOutcome(true));

        Assert.Equal(CircuitState.Open, _breaker.State);
    }

    [Fact]
    public void RecordOutcome_OrdinaryFailureWhileHalfOpen_Reopens()
    {
        TripAndRecover();
        _breaker.TryAcquireTrial();

        Assert.True(_breaker.RecordOutcome(false, "timeout"));

        Assert.Equal(CircuitState.Open, _breaker.State);
        Assert.Equal(Start.AddSeconds(60), _breaker.OpenUntil);
        Assert.Equal("call failed while half-open: timeout", _breaker.LastTransition?.Reason);
        Assert.Equal(0, _breaker.ActiveTrials);
    }

    [Fact]
    public void RecordOutcome_OrdinarySuccessWhileHalfOpen_LeavesDecisionToTrials()
    {
        TripAndRecover();

        Assert.False(_breaker.RecordOutcome(true));

        Assert.Equal(CircuitState.HalfOpen, _breaker.State);
        Assert.Equal(0, _breaker.ConsecutiveFailures);
    }

    [Fact]
    public void TryAcquireTrial_Closed_Refuses()
    {
        Assert.False(_breaker.TryAcquireTrial());
        Assert.Equal(0, _breaker.ActiveTrials);
    }

    [Fact]
    public void Constructor_CustomOptions_AreUsedAndCopied()
    {
        var options = new CircuitBreakerOptions { FailureThreshold = 2, RecoveryTimeout = TimeSpan.FromMilliseconds(1500), HalfOpenMaxCalls = 1 };
        var breaker = new CircuitBreaker(options, _time, LeaseTimeout);
        options.FailureThreshold = 100;

        breaker.RecordOutcome(false);
        Assert.True(breaker.RecordOutcome(false));
        Assert.Equal(Start.AddMilliseconds(1500), breaker.OpenUntil);

        _time.Advance(TimeSpan.FromMilliseconds(1500));
        Assert.Equal("recovery timeout of 1.5 s elapsed", breaker.LastTransition?.Reason);
        Assert.True(breaker.TryAcquireTrial());
        Assert.False(breaker.TryAcquireTrial());
    }

    [Fact]
    public void Constructor_ThresholdOfOne_ReasonIsSingular()
    {
        var breaker = new CircuitBreaker(new CircuitBreakerOptions { FailureThreshold = 1 }, _time, LeaseTimeout);

        Assert.True(breaker.RecordOutcome(false, "HTTP 502"));

        Assert.Equal("1 consecutive failure; last: HTTP 502", breaker.LastTransition?.Reason);
    }

    [Fact]
    public void Open_RecoveryTimeoutBeyondCalendar_ClampsOpenUntil()
    {
        var breaker = new CircuitBreaker(new CircuitBreakerOptions { FailureThreshold = 1, RecoveryTimeout = TimeSpan.MaxValue }, _time, LeaseTimeout);

        breaker.RecordOutcome(false);

        Assert.Equal(DateTimeOffset.MaxValue, breaker.OpenUntil);
    }

    [Theory]
    [InlineData(0, 30, 3, 10, "FailureThreshold")]
    [InlineData(5, 0, 3, 10, "RecoveryTimeout")]
    [InlineData(5, 30, 0, 10, "HalfOpenMaxCalls")]
    [InlineData(5, 30, 3, 0, "trial lease timeout")]
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

    private void FailTimes(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _breaker.RecordOutcome(false, "HTTP 503");
        }
    }

    private void Trip()
    {
        FailTimes(5);
        Assert.Equal(CircuitState.Open, _breaker.State);
    }

    private void TripAndRecover()
    {
        Trip();
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(CircuitState.HalfOpen, _breaker.State);
    }
}
