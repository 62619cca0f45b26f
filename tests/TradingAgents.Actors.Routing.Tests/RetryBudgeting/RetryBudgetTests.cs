using Microsoft.Extensions.Time.Testing;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Routing.Tests.RetryBudgeting;

public sealed class RetryBudgetTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero));

    private RetryBudget Create(double ratio, double minPerSecond, int windowSeconds = 10, bool enabled = true)
    {
        var options = new RetryBudgetOptions { Enabled = enabled, Ratio = ratio, MinRetriesPerSecond = minPerSecond, Window = TimeSpan.FromSeconds(windowSeconds) };
        return new RetryBudget(() => options, _time);
    }

    private static RetryBudgetGrant Grant(long tokens, int reporters = 2) => new(true, tokens, TimeSpan.FromSeconds(3), reporters, 0, 0, tokens);

    private static int Spend(RetryBudget budget, int attempts)
    {
        var allowed = 0;
        for (var i = 0; i < attempts; i++)
        {
            allowed += budget.TryRetry() ? 1 : 0;
        }

        return allowed;
    }

    [Fact]
    public void TryRetry_LocalModeWithoutMinimum_AllowsRatioOfRequests()
    {
        var budget = Create(ratio: 0.2, minPerSecond: 0);
        for (var i = 0; i < 10; i++)
        {
            budget.OnRequest();
        }

        Assert.Equal("local", budget.Mode);
        Assert.Equal(2, Spend(budget, 5));
        Assert.Equal(2, budget.Allowed);
        Assert.Equal(3, budget.Refused);
        Assert.False(budget.CanRetry);
    }

    [Fact]
    public void Tick_LocalMode_RecomputesOverTheWindowAndLetsOldRetriesExpire()
    {
        var budget = Create(ratio: 0, minPerSecond: 0.5, windowSeconds: 10);
        Assert.Equal(5, budget.Remaining);
        Assert.Equal(5, Spend(budget, 8));
        budget.Tick();
        Assert.Equal(0, budget.Remaining);

        _time.Advance(TimeSpan.FromSeconds(10));
        budget.Tick();

        Assert.Equal(5, budget.Remaining);
    }

    [Fact]
    public void Delivered_FleetGrant_ReplacesTheLocalBudgetAndRequestsDepositNothing()
    {
        var budget = Create(ratio: 0.2, minPerSecond: 10);
        var report = budget.TakeReport("r", Interval);

        budget.Delivered(report, Grant(3));
        for (var i = 0; i < 100; i++)
        {
            budget.OnRequest();
        }

        Assert.Equal("fleet", budget.Mode);
        Assert.Equal(3, Spend(budget, 10));
        Assert.Equal(0, budget.Remaining);
    }

    [Fact]
    public void Delivered_RetriesSentWhileTheReportTravelled_AreTakenOffTheGrant()
    {
        var budget = Create(ratio: 0, minPerSecond: 10);
        budget.OnRequest();
        var report = budget.TakeReport("r", Interval);
        Assert.Equal(2, Spend(budget, 2));

        budget.Delivered(report, Grant(5));

        Assert.Equal(3, budget.Remaining);
        var next = budget.TakeReport("r", Interval);
        Assert.Equal(0, next.Requests);
        Assert.Equal(2, next.Retries);
    }

    [Fact]
    public void TakeReport_NotDelivered_FoldsIntoTheNextReport()
    {
        var budget = Create(ratio: 1, minPerSecond: 0);
        budget.OnRequest();
        budget.OnRequest();
        Assert.True(budget.TryRetry());
        _ = budget.TakeReport("r", Interval);

        budget.OnRequest();
        var next = budget.TakeReport("r", Interval);

        Assert.Equal(3, next.Requests);
        Assert.Equal(1, next.Retries);
        Assert.Equal("r", next.ReporterId);
        Assert.Equal(Interval, next.Interval);
    }

    [Fact]
    public void Tick_GrantLapses_FallsBackToTheLocalBudgetWithItsShareOfTheMinimum()
    {
        var budget = Create(ratio: 0, minPerSecond: 1, windowSeconds: 10);
        budget.Delivered(budget.TakeReport("r", Interval), Grant(50, reporters: 2));
        Assert.Equal(50, budget.Remaining);

        _time.Advance(TimeSpan.FromSeconds(3));
        budget.Tick();

        // Two routers share the fleet's 1/s × 10 s; alone, this one takes its half.
        Assert.Equal("local", budget.Mode);
        Assert.Equal(5, budget.Remaining);
    }

    [Fact]
    public void TryRetry_Disabled_AllowsEveryRetry()
    {
        var budget = Create(ratio: 0, minPerSecond: 0, enabled: false);

        Assert.Equal(100, Spend(budget, 100));
        Assert.Equal("off", budget.Mode);
        Assert.True(budget.CanRetry);
        Assert.Equal(0, budget.Refused);
    }
}
