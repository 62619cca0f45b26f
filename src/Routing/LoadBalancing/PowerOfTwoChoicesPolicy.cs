using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.LoadBalancing;

/// <summary>
/// Two distinct random candidates, then the one with fewer calls in flight. Looks at two instances
/// instead of all of them yet keeps load off the busiest, which can never win a pair. An instance in slow start
/// counts its calls in flight (plus one) divided by its ramp factor, so it wins fewer pairs until the ramp ends
/// (Envoy's least-request weighting with an active-request bias of 1).
/// </summary>
/// <param name="random">Thread-safe random source (<see cref="Random.Shared"/> in production); tests pass a seeded one.</param>
internal sealed class PowerOfTwoChoicesPolicy(Random random) : ILoadBalancingPolicy
{
    private readonly Random _random = random ?? throw new ArgumentNullException(nameof(random));

    public string Name => LoadBalancingAlgorithms.PowerOfTwoChoices;

    public int Pick(ReadOnlySpan<RouteEndpoint> candidates)
    {
        var count = candidates.Length;
        if (count < 2)
        {
            return count - 1;
        }

        var (first, second) = RandomPair.Draw(_random, count);

        // Fewer calls in flight per unit of slow-start weight wins: (in₂ + 1) / f₂ < (in₁ + 1) / f₁, cross-multiplied.
        // With no ramp (both factors 1) this is in₂ < in₁, the plain comparison.
        var (a, b) = (candidates[first], candidates[second]);
        return (b.InFlight + 1) * a.WeightFactor < (a.InFlight + 1) * b.WeightFactor ? second : first;
    }
}
