using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.LoadBalancing;

/// <summary>
/// A random candidate, each with probability proportional to its weight. Weights below 1 count as 1,
/// so a misconfigured instance still gets a share rather than silently none.
/// </summary>
/// <param name="random">The grain's random source; tests pass a seeded one.</param>
internal sealed class WeightedRandomPolicy(Random random) : ILoadBalancingPolicy
{
    private readonly Random _random = random ?? throw new ArgumentNullException(nameof(random));

    public string Name => LoadBalancingAlgorithms.WeightedRandom;

    public int Pick(ReadOnlySpan<RouteEndpoint> candidates)
    {
        if (candidates.IsEmpty)
        {
            return -1;
        }

        // long: a few hundred weights of up to int.MaxValue each cannot overflow it.
        long total = 0;
        foreach (var candidate in candidates)
        {
            total += EffectiveWeight(candidate);
        }

        var target = _random.NextInt64(total);
        for (var i = 0; i < candidates.Length; i++)
        {
            target -= EffectiveWeight(candidates[i]);
            if (target < 0)
            {
                return i;
            }
        }

        return candidates.Length - 1;
    }

    private static int EffectiveWeight(RouteEndpoint candidate) => Math.Max(candidate.Weight, 1);
}
