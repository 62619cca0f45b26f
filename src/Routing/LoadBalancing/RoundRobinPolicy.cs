using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.LoadBalancing;

/// <summary>
/// Each candidate in turn. Every router has its own cursor, started at a random position so that
/// gateways started together do not send their first requests to the same instance; a global cursor
/// would put a grain call back on every request. The deviation this leaves across gateways is measured
/// in docs/performance.md.
/// </summary>
/// <remarks>
/// Slow start: when the cursor lands on an instance that is ramping up, it takes the pick only on a share of its
/// turns equal to its ramp factor and passes the others on. Which turns is decided without randomness or state:
/// turn <c>n</c> (the lap of the rotation) is taken when the fractional part of <c>n × φ</c> (the golden ratio, a
/// low-discrepancy sequence) is below the factor, so over any run of laps the share taken is the factor to within a
/// turn or two. A passed turn goes to the other instances in rotation, lap by lap, so the ramping instance's lost
/// share is spread over all of them (as Envoy's weighted round robin spreads it), not given to its successor alone.
/// Without ramps every factor is 1 and nothing changes.
/// </remarks>
/// <param name="start">First cursor value; tests use it to cross the wrap-around.</param>
internal sealed class RoundRobinPolicy(ulong start = 0) : ILoadBalancingPolicy
{
    // 64 bits wrap only after centuries of picks, so the rotation stays cyclic in practice, and
    // unchecked arithmetic keeps even that wrap from throwing.
    private ulong _cursor = start;

    public string Name => LoadBalancingAlgorithms.RoundRobin;

    public int Pick(ReadOnlySpan<RouteEndpoint> candidates)
    {
        if (candidates.IsEmpty)
        {
            return -1;
        }

        var ticket = unchecked(Interlocked.Increment(ref _cursor) - 1);
        var count = (ulong)candidates.Length;
        var index = (int)(ticket % count);
        var factor = candidates[index].WeightFactor;
        if (factor >= 1.0)
        {
            return index;
        }

        // This lap's turn of a ramping instance: taken on a factor share of laps, else passed on.
        var lap = ticket / count;
        var others = candidates.Length - 1;
        if (others == 0 || Turn(lap) < factor)
        {
            return index;
        }

        // Passed on to the others starting at a different one each lap (bounded: each other instance once; one
        // that is ramping too takes it on its own factor share).
        var first = (int)(lap % (ulong)others);
        for (var step = 0; step < others; step++)
        {
            var candidate = (index + 1 + ((first + step) % others)) % candidates.Length;
            var share = candidates[candidate].WeightFactor;
            if (share >= 1.0 || Turn(lap + (ulong)step + 1) < share)
            {
                return candidate;
            }
        }

        return index;
    }

    /// <summary>The fractional part of <paramref name="n"/> × φ: equidistributed in [0, 1) over consecutive n.</summary>
    private static double Turn(ulong n)
    {
        const double Phi = 0.6180339887498949;
        var x = (n % 1_000_000_007UL) * Phi;
        return x - Math.Floor(x);
    }
}
