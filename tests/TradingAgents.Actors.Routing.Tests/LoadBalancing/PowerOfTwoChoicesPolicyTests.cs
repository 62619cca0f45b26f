using TradingAgents.Actors.LoadBalancing;

namespace TradingAgents.Actors.Tests.LoadBalancing;

public sealed class PowerOfTwoChoicesPolicyTests
{
    [Fact]
    public void Pick_DistinctLoads_FollowsPairProbabilities()
    {
        // Five instances ranked by load; one wins a uniformly drawn pair exactly when the other member
        // is busier, so rank r (0 = idle) is picked with probability (4 - r) / C(5, 2) = (4 - r) / 10.
        var candidates = PolicyRuns.WithInFlight(7, 0, 9, 3, 5);
        var counts = PolicyRuns.Count(new PowerOfTwoChoicesPolicy(new Random(42)), candidates);

        double[] expected = [0.1, 0.4, 0.0, 0.3, 0.2];
        for (var i = 0; i < counts.Length; i++)
        {
            Assert.InRange(counts[i] / (double)PolicyRuns.Picks, expected[i] - 0.01, expected[i] + 0.01);
        }

        Assert.Equal(0, counts[2]);
    }

    [Fact]
    public void Pick_TwoCandidates_NeverPicksTheBusier()
    {
        var counts = PolicyRuns.Count(new PowerOfTwoChoicesPolicy(new Random(5)), PolicyRuns.WithInFlight(6, 1));

        Assert.Equal([0, PolicyRuns.Picks], counts);
    }

    [Fact]
    public void Pick_EqualLoads_SharesTrafficEvenly()
    {
        var counts = PolicyRuns.Count(new PowerOfTwoChoicesPolicy(new Random(9)), PolicyRuns.WithInFlight(2, 2, 2, 2));

        Assert.All(counts, c => Assert.InRange(c, 24_000, 26_000));
    }

    [Fact]
    public void Pick_SingleCandidate_PicksIt()
    {
        Assert.Equal(0, new PowerOfTwoChoicesPolicy(new Random(1)).Pick(PolicyRuns.WithInFlight(3)));
    }

    [Fact]
    public void Pick_Repeatedly_AllocatesNothing()
    {
        Assert.Equal(0, PolicyRuns.AllocatedBytes(new PowerOfTwoChoicesPolicy(new Random(1)), PolicyRuns.WithInFlight(7, 0, 9, 3, 5)));
    }
}
