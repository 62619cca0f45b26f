using TradingAgents.Actors.LoadBalancing;

namespace TradingAgents.Actors.Tests.LoadBalancing;

public sealed class HealthAwarePolicyTests
{
    [Fact]
    public void Pick_ScoresDifferOnlyByConnections_FewestWins()
    {
        PolicyCandidate[] candidates = [new(3, 0.05, 0, 1), new(1, 0.05, 0, 1), new(2, 0.05, 0, 1)];

        Assert.Equal([0, PolicyRuns.Picks, 0], PolicyRuns.Count(new HealthAwarePolicy(), candidates));
    }

    [Fact]
    public void Pick_ScoresDifferOnlyByFailures_FewestWins()
    {
        PolicyCandidate[] candidates = [new(1, 0.05, 2, 1), new(1, 0.05, 1, 1), new(1, 0.05, 0, 1)];

        Assert.Equal([0, 0, PolicyRuns.Picks], PolicyRuns.Count(new HealthAwarePolicy(), candidates));
    }

    [Fact]
    public void Pick_ScoresDifferOnlyByLatency_FastestWins()
    {
        PolicyCandidate[] candidates = [new(1, 0.3, 0, 1), new(1, 0.1, 0, 1), new(1, 0.2, 0, 1)];

        Assert.Equal([0, PolicyRuns.Picks, 0], PolicyRuns.Count(new HealthAwarePolicy(), candidates));
    }

    [Theory]
    [InlineData(0.5, 0, 0, 0.0, 4, 0, 1)] // 0.5 s latency loses to 4 calls in flight (0.4)
    [InlineData(0.25, 0, 0, 0.0, 3, 0, 0)] // 0.25 s latency beats 3 calls in flight (0.3)
    [InlineData(1.9, 0, 0, 0.0, 0, 1, 0)] // 1.9 s latency beats one failure (2.0)
    [InlineData(0.0, 21, 0, 0.0, 0, 1, 1)] // 21 calls in flight (2.1) lose to one failure (2.0)
    public void Pick_MixedFactors_LowestSeedScoreWins(
        double latencyA, int inFlightA, int failuresA, double latencyB, int inFlightB, int failuresB, int expected)
    {
        PolicyCandidate[] candidates = [new(inFlightA, latencyA, failuresA, 1), new(inFlightB, latencyB, failuresB, 1)];

        Assert.Equal(expected, new HealthAwarePolicy().Pick(candidates));
    }

    [Fact]
    public void Score_SeedFormula_LatencyPlusTenthOfConnectionsPlusTwiceFailures()
    {
        Assert.Equal(0.25 + 0.4 + 6.0, HealthAwarePolicy.Score(new PolicyCandidate(4, 0.25, 3, 1)), 12);
    }

    [Fact]
    public void Pick_EqualScores_ShareTrafficEvenly()
    {
        PolicyCandidate[] candidates = [new(2, 0.1, 0, 1), new(9, 0.1, 1, 1), new(2, 0.1, 0, 1), new(2, 0.1, 0, 1)];

        Assert.Equal([33_334, 0, 33_333, 33_333], PolicyRuns.Count(new HealthAwarePolicy(), candidates));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-1.0)]
    public void Pick_UnmeasuredOrNegativeLatency_CountsAsZero(double latency)
    {
        var policy = new HealthAwarePolicy();

        Assert.Equal(1, policy.Pick([new(0, 0.1, 0, 1), new(0, latency, 0, 1)]));
        Assert.Equal(0, policy.Pick([new(0, latency, 0, 1), new(0, 0.1, 0, 1)]));
    }

    [Fact]
    public void Pick_Repeatedly_AllocatesNothing()
    {
        PolicyCandidate[] candidates = [new(2, 0.1, 0, 1), new(9, 0.1, 1, 1), new(2, 0.1, 0, 1)];

        Assert.Equal(0, PolicyRuns.AllocatedBytes(new HealthAwarePolicy(), candidates));
    }
}
