using Microsoft.Extensions.Time.Testing;
using TradingAgents.Actors.CircuitBreaking;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Tests.CircuitBreaking;

/// <summary><c>circuit_breaker.quorum</c>: a breaker used by several reporters opens only when enough of them fail.</summary>
public sealed class CircuitBreakerQuorumTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);

    private CircuitBreaker Breaker(int quorum) =>
        new(new CircuitBreakerOptions { Quorum = quorum }, _time, TimeSpan.FromSeconds(10), firstLeaseId: 1);

    private static bool Fail(CircuitBreaker breaker, string reporter, int count = 1) =>
        breaker.Record(reporter, OutcomeKind.Failure, count, breaker.Generation, 0, "HTTP 500");

    private static bool Succeed(CircuitBreaker breaker, string reporter) =>
        breaker.Record(reporter, OutcomeKind.Success, 1, breaker.Generation, 0);

    [Fact]
    public void QuorumTwo_OneSickReporterAmongTwo_StaysClosed()
    {
        var breaker = Breaker(quorum: 2);
        Succeed(breaker, "gw-healthy");

        Assert.False(Fail(breaker, "gw-sick", count: 50));

        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Equal(2, breaker.ActiveReporters);
        Assert.Equal(1, breaker.QuorumHolds);
    }

    [Fact]
    public void QuorumTwo_SecondReporterFailsToo_Opens()
    {
        var breaker = Breaker(quorum: 2);
        Succeed(breaker, "gw-b");
        Fail(breaker, "gw-a", count: 5);
        Assert.Equal(CircuitState.Closed, breaker.State);

        // gw-b's one failure completes the quorum for gw-a's run at the threshold.
        Assert.True(Fail(breaker, "gw-b"));

        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.Equal("5 consecutive failures seen by gw-a (2 of 2 reporters failing, quorum 2); last: HTTP 500", breaker.LastTransition!.Reason);
    }

    [Fact]
    public void QuorumTwo_OtherReporterSucceedsBetween_StaysClosed()
    {
        var breaker = Breaker(quorum: 2);
        Fail(breaker, "gw-b");
        Succeed(breaker, "gw-b");
        Fail(breaker, "gw-a", count: 5);

        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public void QuorumTwo_OnlyOneReporterUsesTheInstance_OpensOnItsRun()
    {
        var breaker = Breaker(quorum: 2);

        Assert.True(Fail(breaker, "gw-only", count: 5));

        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public void QuorumThree_TwoReportersUseIt_BothMustFail()
    {
        var breaker = Breaker(quorum: 3);
        Succeed(breaker, "gw-b");
        Assert.False(Fail(breaker, "gw-a", count: 5));
        Assert.True(Fail(breaker, "gw-b"));
    }

    [Fact]
    public void QuorumTwo_SilentReporterStopsCounting_AfterTheWindow()
    {
        var breaker = Breaker(quorum: 2);
        Succeed(breaker, "gw-gone");
        Assert.Equal(1, breaker.ActiveReporters);

        _time.Advance(CircuitBreaker.QuorumWindow + TimeSpan.FromSeconds(1));

        // gw-gone has not reported for over a minute: gw-a is the only user, and its run opens the circuit.
        Assert.True(Fail(breaker, "gw-a", count: 5));
    }

    [Fact]
    public void QuorumOne_Default_OneReporterOpensAsBefore()
    {
        var breaker = Breaker(quorum: 1);
        Succeed(breaker, "gw-b");
        Succeed(breaker, "gw-c");

        Assert.True(Fail(breaker, "gw-a", count: 5));
        Assert.Equal("5 consecutive failures seen by gw-a; last: HTTP 500", breaker.LastTransition!.Reason);
        Assert.Equal(0, breaker.QuorumHolds);
    }

    [Fact]
    public void QuorumOne_OldRunOfASilentReporter_StillCounts()
    {
        var breaker = Breaker(quorum: 1);
        Fail(breaker, "gw-a", count: 4);
        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.True(Fail(breaker, "gw-a"));
    }

    [Fact]
    public void Constructor_QuorumBelowOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Breaker(quorum: 0));
    }
}
