using TradingAgents.Actors.LoadBalancing;

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
