using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.LoadBalancing;

/// <summary>
/// A random candidate, each with probability proportional to its weight times its slow-start ramp factor
/// (<see cref="RouteEndpoint.EffectiveWeight"/>). Weights below 1 count as 1, so a misconfigured instance still gets a
/// share rather than silently none. A ramping instance's weight grows between picks; a draw above the cached bound
/// falls back to the exact scan, which refreshes the bound, so the distribution stays exact.
/// </summary>
/// <remarks>
/// Rejection sampling (the acceptance-rejection method): draw a uniform candidate and keep it with probability
/// weight / <c>max</c>, where <c>max</c> is the largest weight in the span; otherwise draw again. A kept
/// candidate has probability exactly proportional to its weight, and a pick takes max / mean draws on average
/// (1.6 for weights 1 to 4) instead of a scan. <c>max</c> comes from one scan per span: routing tables are
/// immutable and each has new <see cref="RouteEndpoint"/> objects, so the bound is cached keyed to the span's
/// first and last candidate and its length. The exact two-pass pick is used instead (and refreshes the bound)
/// for a new span, when a drawn weight is above the bound, and after <see cref="MaxDraws"/> rejections in a row
/// (weights far apart, such as one instance weighted 100 among weights of 1). Mixing those exact picks in keeps
/// the distribution exact. One case is not exact for a moment: two different spans with the same key, such as
/// two filtered retry lists, where the second has a larger weight in the middle. Until a draw lands on that
/// candidate (each draw does with probability 1 / count), it is picked as if its weight were the old bound.
/// </remarks>
/// <param name="random">Thread-safe random source (<see cref="Random.Shared"/> in production); tests pass a seeded one.</param>
internal sealed class WeightedRandomPolicy(Random random) : ILoadBalancingPolicy
{
    /// <summary>Draws per pick before falling back to the exact scan.</summary>
    public const int MaxDraws = 8;

    private readonly Random _random = random ?? throw new ArgumentNullException(nameof(random));

    // Replaced whole, never mutated: concurrent picks see either the old bound or the new one.
    private WeightBound? _bound;

    public string Name => LoadBalancingAlgorithms.WeightedRandom;

    public int Pick(ReadOnlySpan<RouteEndpoint> candidates)
    {
        var count = candidates.Length;
        if (count < 2)
        {
            return count - 1;
        }

        var bound = Volatile.Read(ref _bound);
        if (bound is null || !bound.Matches(candidates))
        {
            return PickByScan(candidates);
        }

        var max = bound.MaxWeight;
        for (var draw = 0; draw < MaxDraws; draw++)
        {
            // One draw gives both the candidate (integer part) and the acceptance test (fraction).
            var position = _random.NextDouble() * count;
            var index = Math.Min((int)position, count - 1);
            var weight = EffectiveWeight(candidates[index]);
            if (weight > max)
            {
                return PickByScan(candidates);
            }

            if ((position - index) * max < weight)
            {
                return index;
            }
        }

        return PickByScan(candidates);
    }

    private static double EffectiveWeight(RouteEndpoint candidate) => Math.Max(candidate.Weight, 1) * candidate.WeightFactor;

    private int PickByScan(ReadOnlySpan<RouteEndpoint> candidates)
    {
        var total = 0.0;
        var max = 0.0;
        foreach (var candidate in candidates)
        {
            var weight = EffectiveWeight(candidate);
            total += weight;
            max = Math.Max(max, weight);
        }

        var bound = Volatile.Read(ref _bound);
        if (bound is null || !bound.Matches(candidates) || bound.MaxWeight != max)
        {
            // Allocates only when the span changes: once per routing table, not per pick.
            Volatile.Write(ref _bound, new WeightBound(candidates[0], candidates[^1], candidates.Length, max));
        }

        var target = _random.NextDouble() * total;
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

    /// <summary>The largest weight of one span, keyed by its first and last candidate and its length.</summary>
    private sealed class WeightBound(RouteEndpoint first, RouteEndpoint last, int length, double maxWeight)
    {
        public double MaxWeight { get; } = maxWeight;

        public bool Matches(ReadOnlySpan<RouteEndpoint> candidates) =>
            candidates.Length == length && ReferenceEquals(candidates[0], first) && ReferenceEquals(candidates[^1], last);
    }
}
