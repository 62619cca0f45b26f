namespace TradingAgents.Actors.LoadBalancing;

/// <summary>Two distinct candidates drawn uniformly, for the policies that compare a pair (power of two choices, health aware).</summary>
internal static class RandomPair
{
    /// <summary>
    /// Two distinct indices in [0, <paramref name="count"/>), uniform over all pairs. The second index is drawn
    /// from the other <paramref name="count"/> − 1 slots, so no retry loop is needed. <paramref name="count"/> ≥ 2.
    /// </summary>
    public static (int First, int Second) Draw(Random random, int count)
    {
        var first = random.Next(count);
        var second = random.Next(count - 1);
        if (second >= first)
        {
            second++;
        }

        return (first, second);
    }
}
