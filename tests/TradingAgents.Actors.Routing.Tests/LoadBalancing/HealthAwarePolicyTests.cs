using TradingAgents.Actors.LoadBalancing;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Tests.LoadBalancing;

public sealed class HealthAwarePolicyTests
{
    [Fact]
    public void Pick_ScoresDifferOnlyByConnections_FewestWins()
    {
        RouteEndpoint[] candidates = [PolicyRuns.Endpoint(3, 0.05, 0, 1), PolicyRuns.Endpoint(1, 0.05, 0, 1), PolicyRuns.Endpoint(2, 0.05, 0, 1)];

        Assert.Equal([0, PolicyRuns.Picks, 0], PolicyRuns.Count(new HealthAwarePolicy(), candidates));
    }

    [Fact]
    public void Pick_ScoresDifferOnlyByFailures_FewestWins()
    {
        RouteEndpoint[] candidates = [PolicyRuns.Endpoint(1, 0.05, 2, 1), PolicyRuns.Endpoint(1, 0.05, 1, 1), PolicyRuns.Endpoint(1, 0.05, 0, 1)];

        Assert.Equal([0, 0, PolicyRuns.Picks], PolicyRuns.Count(new HealthAwarePolicy(), candidates));
    }

    [Fact]
    public void Pick_ScoresDifferOnlyByLatency_FastestWins()
    {
        RouteEndpoint[] candidates = [PolicyRuns.Endpoint(1, 0.3, 0, 1), PolicyRuns.Endpoint(1, 0.1, 0, 1), PolicyRuns.Endpoint(1, 0.2, 0, 1)];

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
        RouteEndpoint[] candidates = [PolicyRuns.Endpoint(inFlightA, latencyA, failuresA, 1), PolicyRuns.Endpoint(inFlightB, latencyB, failuresB, 1)];

        Assert.Equal(expected, new HealthAwarePolicy().Pick(candidates));
    }

    [Fact]
    public void Score_SeedFormula_LatencyPlusTenthOfConnectionsPlusTwiceFailures()
    {
        Assert.Equal(0.25 + 0.4 + 6.0, HealthAwarePolicy.Score(PolicyRuns.Endpoint(4, 0.25, 3, 1)), 12);
    }

    [Fact]
    public void Pick_EqualScores_ShareTrafficEvenly()
    {
        RouteEndpoint[] candidates = [PolicyRuns.Endpoint(2, 0.1, 0, 1), PolicyRuns.Endpoint(9, 0.1, 1, 1), PolicyRuns.Endpoint(2, 0.1, 0, 1), PolicyRuns.Endpoint(2, 0.1, 0, 1)];

        Assert.Equal([33_334, 0, 33_333, 33_333], PolicyRuns.Count(new HealthAwarePolicy(), candidates));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-1.0)]
    public void Pick_UnmeasuredOrNegativeLatency_CountsAsZero(double latency)
    {
        var policy = new HealthAwarePolicy();

        Assert.Equal(1, policy.Pick([PolicyRuns.Endpoint(0, 0.1, 0, 1), PolicyRuns.Endpoint(0, latency, 0, 1)]));
        Assert.Equal(0, policy.Pick([PolicyRuns.Endpoint(0, latency, 0, 1), PolicyRuns.Endpoint(0, 0.1, 0, 1)]));
    }

    [Fact]
    public void Pick_Repeatedly_AllocatesNothing()
    {
        RouteEndpoint[] candidates = [PolicyRuns.Endpoint(2, 0.1, 0, 1), PolicyRuns.Endpoint(9, 0.1, 1, 1), PolicyRuns.Endpoint(2, 0.1, 0, 1)];

        Assert.Equal(0, PolicyRuns.AllocatedBytes(new HealthAwarePolicy(), candidates));
    }
}
