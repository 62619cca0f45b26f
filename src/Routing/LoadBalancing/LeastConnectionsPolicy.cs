using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.LoadBalancing;

/// <summary>
/// The candidate with the fewest calls in flight. Ties rotate through the tied candidates in turn, so
/// equally idle instances share traffic evenly instead of the first one taking it all (which is what
/// happens when outcomes are reported in batches and in-flight counts lag).
/// </summary>
internal sealed class LeastConnectionsPolicy : ILoadBalancingPolicy
{
    private long _tieCursor;

    public string Name => LoadBalancingAlgorithms.LeastConnections;

    public int Pick(ReadOnlySpan<RouteEndpoint> candidates)
    {
        if (candidates.IsEmpty)
        {
            return -1;
        }

        var best = 0;
        var bestInFlight = candidates[0].InFlight;
        var ties = 1;
        for (var i = 1; i < candidates.Length; i++)
        {
            var inFlight = candidates[i].InFlight;
            if (inFlight < bestInFlight)
            {
                best = i;
                bestInFlight = inFlight;
                ties = 1;
            }
            else if (inFlight == bestInFlight)
            {
                ties++;
            }
        }

        if (ties == 1)
        {
            return best;
        }

        // A second pass over the tail only when there is a tie: find the n-th tied candidate.
        var skip = (int)(unchecked((ulong)Interlocked.Increment(ref _tieCursor) - 1) % (ulong)ties);
        for (var i = best; ; i++)
        {
            if (candidates[i].InFlight == bestInFlight && skip-- == 0)
            {
                return i;
            }
        }
    }
}
