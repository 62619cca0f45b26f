using TradingAgents.Actors.Health;

namespace TradingAgents.Actors.Tests.Health;

public sealed class ScoreStatisticsTests
{
    private readonly ScoreStatistics _score = new();

    [Fact]
    public void New_NothingMeasured_ScoresZeroAndSaysSo()
    {
        Assert.False(_score.Measured);
        Assert.Equal(0, _score.EwmaLatencyMs);
        Assert.Equal(0, _score.ConsecutiveFailures);
    }

    [Fact]
    public void RecordSuccesses_Batch_MovesTheAverageAsThatManySamples()
    {
        _score.RecordSuccesses(1, TimeSpan.FromMilliseconds(100));

        _score.RecordSuccesses(2, TimeSpan.FromMilliseconds(40));

        Assert.Equal(20 + (0.49 * 80), _score.EwmaLatencyMs, precision: 9);
        Assert.Equal(3, _score.CompletedCalls);
    }

    [Fact]
    public void RecordFailures_ThenSuccess_CountsAndResets()
    {
        _score.RecordFailures(1);
        _score.RecordFailures(2);
        Assert.Equal(3, _score.ConsecutiveFailures);
        Assert.False(_score.Measured);

        _score.RecordSuccesses(1, TimeSpan.FromMilliseconds(7));

        Assert.Equal(0, _score.ConsecutiveFailures);
        Assert.Equal(7, _score.EwmaLatencyMs);
        Assert.Equal(4, _score.CompletedCalls);
    }

    [Fact]
    public void RecordBackpressure_IsNeitherSuccessNorFailure()
    {
        _score.RecordFailures(2);

        _score.RecordBackpressure(3);

        Assert.Equal(2, _score.ConsecutiveFailures);
        Assert.False(_score.Measured);
        Assert.Equal(5, _score.CompletedCalls);
    }

    [Fact]
    public void ProbePassed_NothingMeasured_SeedsTheLatencyAndTheFirstCallReplacesIt()
    {
        _score.Tick(probing: true);
        _score.ProbePassed(TimeSpan.FromMilliseconds(3));
        Assert.True(_score.Measured);
        Assert.Equal(3, _score.EwmaLatencyMs);

        _score.RecordSuccesses(1, TimeSpan.FromMilliseconds(50));

        Assert.Equal(50, _score.EwmaLatencyMs);
    }

    [Fact]
    public void ProbePassed_AfterFailures_ForgetsThemEvenWithCalls()
    {
        // Issue 9 item 4: one 5xx must not sideline a repaired instance that gets no traffic.
        _score.RecordFailures(1);
        _score.Tick(probing: true);

        _score.ProbePassed(TimeSpan.FromMilliseconds(2));

        Assert.Equal(0, _score.ConsecutiveFailures);
    }

    [Fact]
    public void ProbePassed_IdleIntervals_HalveTheGapToTheProbeLatencyEachTime()
    {
        // A cold first call of 114 ms, then no traffic: the probes (2 ms) bring it back.
        _score.RecordSuccesses(1, TimeSpan.FromMilliseconds(114));
        _score.Tick(probing: true);
        _score.ProbePassed(TimeSpan.FromMilliseconds(2));
        Assert.Equal(114, _score.EwmaLatencyMs);

        _score.Tick(probing: true);
        _score.ProbePassed(TimeSpan.FromMilliseconds(2));
        Assert.Equal(58, _score.EwmaLatencyMs);

        _score.Tick(probing: true);
        _score.ProbePassed(TimeSpan.FromMilliseconds(2));
        Assert.Equal(30, _score.EwmaLatencyMs);
    }

    [Fact]
    public void ProbePassed_CallDuringTheProbe_LeavesTheLatencyToTheCalls()
    {
        _score.RecordSuccesses(1, TimeSpan.FromMilliseconds(80));
        _score.Tick(probing: true);
        _score.Tick(probing: true);
        _score.RecordSuccesses(1, TimeSpan.FromMilliseconds(80));

        _score.ProbePassed(TimeSpan.FromMilliseconds(2));

        Assert.Equal(80, _score.EwmaLatencyMs);
    }

    [Fact]
    public void Tick_WithoutProbing_HalvesTheFailuresOfAnIdleInstanceOnly()
    {
        _score.RecordFailures(6);
        _score.Tick(probing: false);
        Assert.Equal(6, _score.ConsecutiveFailures);

        _score.Tick(probing: false);
        Assert.Equal(3, _score.ConsecutiveFailures);
        _score.Tick(probing: false);
        Assert.Equal(1, _score.ConsecutiveFailures);
        _score.Tick(probing: false);
        Assert.Equal(0, _score.ConsecutiveFailures);

        _score.RecordFailures(4);
        _score.Tick(probing: true);
        _score.Tick(probing: true);
        Assert.Equal(4, _score.ConsecutiveFailures);
    }

    [Fact]
    public void RecordFailures_SlowerThanTheAverage_RaiseItFastOnesLeaveIt()
    {
        _score.RecordSuccesses(1, TimeSpan.FromMilliseconds(3));

        _score.RecordFailures(1, TimeSpan.FromMilliseconds(1));
        Assert.Equal(3, _score.EwmaLatencyMs, precision: 9);

        // A call cut at a 30 s timeout: 30000 + 0.7 × (3 - 30000).
        _score.RecordFailures(1, TimeSpan.FromSeconds(30));
        Assert.Equal(30000 + (0.7 * (3 - 30000)), _score.EwmaLatencyMs, precision: 6);
        Assert.Equal(2, _score.ConsecutiveFailures);
    }
}
