using Microsoft.Extensions.Time.Testing;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Routing.Tests.RetryBudgeting;

public sealed class RetryBudgetLedgerTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero));

    private static RetryBudgetOptions Budget(double ratio = 0.2, double minPerSecond = 10, int windowSeconds = 10) =>
        new() { Ratio = ratio, MinRetriesPerSecond = minPerSecond, Window = TimeSpan.FromSeconds(windowSeconds) };

    private static RetryBudgetReport Report(string reporter, long requests = 0, long retries = 0) => new(reporter, requests, retries, 0, Interval);

    [Fact]
    public void Report_NoTraffic_GrantsTheMinimumOverTheWindow()
    {
        var ledger = new RetryBudgetLedger(_time);

        var grant = ledger.Report(Report("a"), Budget());

        Assert.True(grant.Enabled);
        Assert.Equal(100, grant.Tokens);
        Assert.Equal(100, grant.FleetRemaining);
        Assert.Equal(1, grant.Reporters);
        Assert.Equal(TimeSpan.FromSeconds(3), grant.ValidFor);
    }

    [Fact]
    public void Report_RequestsAndRetries_AllowRatioTimesRequestsPlusMinimumMinusRetries()
    {
        var ledger = new RetryBudgetLedger(_time);

        var grant = ledger.Report(Report("a", requests: 500, retries: 30), Budget(ratio: 0.2, minPerSecond: 1));

        // 0.2 × 500 + 1/s × 10 s − 30 = 80.
        Assert.Equal(80, grant.FleetRemaining);
        Assert.Equal(80, grant.Tokens);
        Assert.Equal(500, grant.FleetRequests);
        Assert.Equal(30, grant.FleetRetries);
    }

    [Fact]
    public void Report_TwoReporters_NeverHoldMoreThanTheFleetMayStillSpend()
    {
        var ledger = new RetryBudgetLedger(_time);
        var budget = Budget(ratio: 0.2, minPerSecond: 0);

        var a1 = ledger.Report(Report("a", requests: 100), budget);
        var b1 = ledger.Report(Report("b", requests: 100), budget);

        // a was alone and took all 20; b gets its half of 40, which a does not hold.
        Assert.Equal(20, a1.Tokens);
        Assert.Equal(20, b1.Tokens);

        // a spent 10 of its 20: 40 − 10 = 30 left; a's half would be 15, but b still holds 20.
        var a2 = ledger.Report(Report("a", retries: 10), budget);
        Assert.Equal(30, a2.FleetRemaining);
        Assert.Equal(10, a2.Tokens);
        var b2 = ledger.Report(Report("b"), budget);
        Assert.Equal(15, b2.Tokens);
        Assert.True(a2.Tokens + b2.Tokens <= b2.FleetRemaining);
        Assert.Equal(2, b2.Reporters);
    }

    [Fact]
    public void Report_SharesFollowTheReportersRequests()
    {
        var ledger = new RetryBudgetLedger(_time);
        var budget = Budget(ratio: 0.2, minPerSecond: 0);
        ledger.Report(Report("busy", requests: 299), budget);
        ledger.Report(Report("quiet", requests: 99), budget);

        // The fleet may retry 0.2 × 398 = 79 times.
        var busy = ledger.Report(Report("busy"), budget);
        var quiet = ledger.Report(Report("quiet"), budget);

        // busy's share is 300/400 of 79 (60), less the 20 quiet still holds; quiet's is 100/400 (20).
        Assert.Equal(79, busy.FleetRemaining);
        Assert.Equal(59, busy.Tokens);
        Assert.Equal(20, quiet.Tokens);
    }

    [Fact]
    public void Report_AfterTheWindow_OldRequestsAndRetriesNoLongerCount()
    {
        var ledger = new RetryBudgetLedger(_time);
        var budget = Budget(ratio: 0.5, minPerSecond: 0, windowSeconds: 10);
        ledger.Report(Report("a", requests: 100, retries: 50), budget);
        _time.Advance(TimeSpan.FromSeconds(5));
        var mid = ledger.Report(Report("a", requests: 20), budget);
        Assert.Equal(120, mid.FleetRequests);
        Assert.Equal(10, mid.FleetRemaining);

        _time.Advance(TimeSpan.FromSeconds(6));
        var later = ledger.Report(Report("a"), budget);

        // Only the second report's 20 requests are within the last 10 s.
        Assert.Equal(20, later.FleetRequests);
        Assert.Equal(0, later.FleetRetries);
        Assert.Equal(10, later.FleetRemaining);
    }

    [Fact]
    public void Report_SilentReporterGrantExpires_ReleasesItsHold()
    {
        var ledger = new RetryBudgetLedger(_time);
        var budget = Budget(ratio: 0, minPerSecond: 1, windowSeconds: 10);
        Assert.Equal(10, ledger.Report(Report("a"), budget).Tokens);
        Assert.Equal(0, ledger.Report(Report("b"), budget).Tokens);

        // a's grant is valid for three of its report intervals; after that b may have it all.
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(10, ledger.Report(Report("b"), budget).Tokens);
    }

    [Fact]
    public void Report_Leaving_HandsTheAllowanceBackAtOnceAndKeepsTheCounts()
    {
        var ledger = new RetryBudgetLedger(_time);
        var budget = Budget(ratio: 0.5, minPerSecond: 0);
        Assert.Equal(10, ledger.Report(Report("a", requests: 20), budget).Tokens);

        var gone = ledger.Report(new RetryBudgetReport("a", 0, 4, 0, Interval, Leaving: true), budget);
        var b = ledger.Report(Report("b"), budget);

        Assert.Equal(0, gone.Tokens);
        Assert.Equal(6, b.Tokens);
        Assert.Equal(4, b.FleetRetries);
    }

    [Fact]
    public void Report_SilentForAWindow_ForgetsTheReporter()
    {
        var ledger = new RetryBudgetLedger(_time);
        var budget = Budget();
        ledger.Report(Report("a"), budget);
        ledger.Report(Report("b"), budget);
        Assert.Equal(2, ledger.Reporters);

        _time.Advance(TimeSpan.FromSeconds(11));
        var grant = ledger.Report(Report("b"), budget);

        Assert.Equal(1, grant.Reporters);
    }

    [Fact]
    public void Report_Disabled_GrantsNothingAndSaysSo()
    {
        var ledger = new RetryBudgetLedger(_time);

        var grant = ledger.Report(Report("a", requests: 100), new RetryBudgetOptions { Enabled = false });

        Assert.False(grant.Enabled);
        Assert.Equal(0, grant.Tokens);
    }

    [Fact]
    public void Describe_ReportsFleetFiguresOverTheWindow()
    {
        var ledger = new RetryBudgetLedger(_time);
        var budget = Budget(ratio: 0.2, minPerSecond: 1);
        ledger.Report(Report("a", requests: 50, retries: 5), budget);
        ledger.Report(Report("b", requests: 50, retries: 5), budget);

        var (requests, retries, remaining, reporters) = ledger.Describe(budget);

        Assert.Equal(100, requests);
        Assert.Equal(10, retries);
        Assert.Equal(20, remaining);
        Assert.Equal(2, reporters);
    }
}
