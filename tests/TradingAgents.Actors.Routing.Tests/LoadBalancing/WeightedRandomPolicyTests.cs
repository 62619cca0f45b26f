using TradingAgents.Actors.LoadBalancing;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Tests.LoadBalancing;

public sealed class WeightedRandomPolicyTests
{
    // Shares must land within half a percentage point of the weights: over 100,000 picks that is
    // more than three standard deviations for every share, yet an off-by-one weight (2/14 instead of
    // 1/10) or a uniform pick (1/4) is far outside it.
    private const double Tolerance = 0.005;

    [Fact]
    public void Pick_Weights1234_SharesFollowWeights()
    {
        var counts = PolicyRuns.Count(new WeightedRandomPolicy(new Random(42)), PolicyRuns.WithWeights(1, 2, 3, 4));

        AssertShares([0.1, 0.2, 0.3, 0.4], counts);
    }

    [Fact]
    public void Pick_WeightsBelowOne_CountAsOne()
    {
        var counts = PolicyRuns.Count(new WeightedRandomPolicy(new Random(7)), PolicyRuns.WithWeights(0, -5, 2));

        AssertShares([0.25, 0.25, 0.5], counts);
    }

    [Fact]
    public void Pick_HugeWeights_DoNotOverflow()
    {
        var counts = PolicyRuns.Count(new WeightedRandomPolicy(new Random(3)), PolicyRuns.WithWeights(int.MaxValue, int.MaxValue, 1), 10_000);

        Assert.Equal(0, counts[2]);
        Assert.InRange(counts[0], 4_800, 5_200);
    }

    [Fact]
    public void Pick_NewTableWithOtherWeights_SharesFollowNewWeights()
    {
        var policy = new WeightedRandomPolicy(new Random(11));
        PolicyRuns.Count(policy, PolicyRuns.WithWeights(1, 1, 1, 1), 1_000);

        var counts = PolicyRuns.Count(policy, PolicyRuns.WithWeights(4, 3, 2, 1));

        AssertShares([0.4, 0.3, 0.2, 0.1], counts);
    }

    [Fact]
    public void Pick_WeightsFarApart_SharesFollowWeights()
    {
        // Mostly rejected draws: the exact scan decides most picks.
        var counts = PolicyRuns.Count(new WeightedRandomPolicy(new Random(12)), PolicyRuns.WithWeights(1, 100, 1, 1, 1));

        AssertShares([1 / 104.0, 100 / 104.0, 1 / 104.0, 1 / 104.0, 1 / 104.0], counts);
    }

    [Fact]
    public void Pick_SameEndsHeavierMiddle_SharesFollowNewWeights()
    {
        // Two spans with the same first and last candidate and length: the cached bound (1) is too low for
        // the second one's middle (5) until that candidate is drawn.
        var policy = new WeightedRandomPolicy(new Random(13));
        var ends = PolicyRuns.WithWeights(1, 1);
        RouteEndpoint[] light = [ends[0], PolicyRuns.Endpoint(0, 0.05, 0, 1), ends[1]];
        RouteEndpoint[] heavy = [ends[0], PolicyRuns.Endpoint(0, 0.05, 0, 5), ends[1]];
        PolicyRuns.Count(policy, light, 1_000);

        var counts = PolicyRuns.Count(policy, heavy);

        AssertShares([1 / 7.0, 5 / 7.0, 1 / 7.0], counts);
    }

    [Fact]
    public void Pick_ThreeHundredInstances_SharesFollowWeights()
    {
        var weights = Enumerable.Range(0, 300).Select(i => 1 + (i % 4)).ToArray();
        var counts = PolicyRuns.Count(new WeightedRandomPolicy(new Random(14)), PolicyRuns.WithWeights(weights), 1_000_000);

        // Per weight class: 75 instances each, so class w has share 75w / 750 = w / 10.
        for (var weight = 1; weight <= 4; weight++)
        {
            var share = counts.Where((_, i) => weights[i] == weight).Sum() / 1_000_000.0;
            Assert.InRange(share, (weight / 10.0) - Tolerance, (weight / 10.0) + Tolerance);
        }
    }

    [Fact]
    public void Constructor_NullRandom_Throws()
    {
        var error = Assert.Throws<ArgumentNullException>(() => new WeightedRandomPolicy(null!));

        Assert.Equal("random", error.ParamName);
    }

    [Fact]
    public void Pick_Repeatedly_AllocatesNothing()
    {
        Assert.Equal(0, PolicyRuns.AllocatedBytes(new WeightedRandomPolicy(new Random(1)), PolicyRuns.WithWeights(1, 2, 3, 4)));
    }

    private static void AssertShares(double[] expected, int[] counts)
    {
        Assert.Equal(PolicyRuns.Picks, counts.Sum());
        for (var i = 0; i < counts.Length; i++)
        {
            Assert.InRange(counts[i] / (double)PolicyRuns.Picks, expected[i] - Tolerance, expected[i] + Tolerance);
        }
    }
}
