using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.LoadBalancing;

/// <summary>
/// The default policy. It keeps the seed's score, latency (seconds) + 0.1 × calls in flight + 2.0 × consecutive
/// failures, lower is better, but it does not always pick the lowest score. It draws two distinct candidates at
/// random and takes one of them with probability proportional to its weight
/// <c>w = 1 / (score + <see cref="ScoreOffset"/>)^2</c>, so
/// <c>P(first) = (score₂ + s0)² / ((score₁ + s0)² + (score₂ + s0)²)</c>. An instance in slow start has its weight
/// multiplied by its ramp factor (<see cref="RouteEndpoint.WeightFactor"/>).
/// </summary>
/// <remarks>
/// <para>
/// Why: a strict lowest-score pick starves instances. One cold first request (114 ms) sent every later request
/// to the other instances, because the cold instance got no more samples to bring its latency down. A
/// deterministic better-of-two pick has the same fault whenever one instance is 0.5 ms faster: it wins every
/// pair it is in. With the weight above, scores that differ only by noise give near-equal weights, and the share
/// falls smoothly as the score rises. With s0 = 0.1 and idle instances at about 5 ms:
/// </para>
/// <list type="bullet">
/// <item>0.5 ms faster: weight × 1.01, so in a pair it gets 50.2 % instead of 50 %.</item>
/// <item>114 ms (one cold request) against 5 ms: weight ÷ 4.2, so it still gets 19 % of its pairs.</item>
/// <item>one call in flight more: weight ÷ 3.8 (soft least-load, which balances concurrent traffic).</item>
/// <item>one consecutive failure (score + 2.0): weight ÷ 400, so it gets 0.25 % of its pairs. That is nearly
/// excluded, but not forever: it stops when the fleet resets the failure count (success or passing probe).</item>
/// </list>
/// <para>
/// An instance without a latency sample never competes with a 0 latency. <see cref="RouteTable"/> gives it the
/// slowest measured latency of its table, so its weight is at most that of every measured instance with the
/// same load and failures. Here a latency that is not a number counts as <see cref="MaxLatencySeconds"/> and a
/// negative one as 0.
/// </para>
/// <para>
/// Source: the two random choices are Mitzenmacher's power of two choices ("The Power of Two Choices in
/// Randomized Load Balancing", 2001), which gets most of the benefit of a full scan in O(1). The soft weight
/// is Envoy's least-request weighting for unequal hosts, <c>weight / (active_requests + 1)^active_request_bias</c>,
/// applied to the seed score counted in calls in flight: <c>(score / 0.1 + 1)^-k</c> is proportional to
/// <c>(score + 0.1)^-k</c>, hence s0 = 0.1. The exponent is k = 2 rather than Envoy's default of 1, because with
/// k = 1 an instance that just failed would still get 4.8 % of its pairs; the seed means a failure to weigh
/// heavily. Picks are O(1) (two samples, no scan), lock-free and allocation-free. Three draws come from the
/// injected thread-safe random source.
/// </para>
/// </remarks>
/// <param name="random">Thread-safe random source (<see cref="Random.Shared"/> in production); tests pass a seeded one.</param>
internal sealed class HealthAwarePolicy(Random random) : ILoadBalancingPolicy
{
    /// <summary>Score added per call in flight (the seed's 0.1 × connections).</summary>
    public const double InFlightWeight = 0.1;

    /// <summary>Score added per consecutive failure (the seed's 2.0 × failures).</summary>
    public const double FailureWeight = 2.0;

    /// <summary>s0 in the weight <c>1 / (score + s0)^2</c>: one call in flight's worth of score (Envoy's "+ 1").</summary>
    public const double ScoreOffset = InFlightWeight;

    /// <summary>Largest latency the score uses, in seconds; a latency that is not a number counts as this.</summary>
    public const double MaxLatencySeconds = 3600;

    private readonly Random _random = random ?? throw new ArgumentNullException(nameof(random));

    public string Name => LoadBalancingAlgorithms.HealthAware;

    /// <summary>The seed's score for one candidate; lower is better.</summary>
    public static double Score(RouteEndpoint candidate)
    {
        var latency = candidate.LatencySeconds;
        latency = double.IsNaN(latency) ? MaxLatencySeconds : Math.Clamp(latency, 0, MaxLatencySeconds);
        return latency + (InFlightWeight * candidate.InFlight) + (FailureWeight * candidate.ConsecutiveFailures);
    }

    /// <summary>The candidate's weight relative to others: <c>1 / (score + s0)^2</c>.</summary>
    public static double Weight(RouteEndpoint candidate) => 1 / Spread(candidate);

    public int Pick(ReadOnlySpan<RouteEndpoint> candidates)
    {
        var count = candidates.Length;
        if (count < 2)
        {
            return count - 1;
        }

        var (first, second) = RandomPair.Draw(_random, count);

        // P(first) = w1 / (w1 + w2) = d2 / (d1 + d2) with d = 1 / w: no division needed.
        // Slow start scales each weight by the ramp factor f: P(first) = f1·d2 / (f1·d2 + f2·d1).
        var firstShare = candidates[first].WeightFactor * Spread(candidates[second]);
        var secondShare = candidates[second].WeightFactor * Spread(candidates[first]);
        return _random.NextDouble() * (firstShare + secondShare) < firstShare ? first : second;
    }

    /// <summary><c>(score + s0)^2</c>, the inverse of the weight; at least s0² so never 0.</summary>
    private static double Spread(RouteEndpoint candidate)
    {
        var shifted = Score(candidate) + ScoreOffset;
        return shifted * shifted;
    }
}
