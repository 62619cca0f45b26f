using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.LoadBalancing;

/// <summary>
/// The seed's health-aware choice: the lowest score of latency (seconds) + 0.1 × calls in flight +
/// 2.0 × consecutive failures. Equal scores rotate through the tied candidates in turn, so equally
/// healthy instances share traffic evenly.
/// </summary>
internal sealed class HealthAwarePolicy : ILoadBalancingPolicy
{
    /// <summary>Score added per call in flight (the seed's 0.1 × connections).</summary>
    public const double InFlightWeight = 0.1;

    /// <summary>Score added per consecutive failure (the seed's 2.0 × failures).</summary>
    public const double FailureWeight = 2.0;

    private long _tieCursor;

    public string Name => LoadBalancingAlgorithms.HealthAware;

    /// <summary>The seed's score for one candidate; lower is better.</summary>
    public static double Score(RouteEndpoint candidate)
    {
        // A latency that is not yet measured (NaN) or nonsensical (negative) counts as zero, so it
        // neither wins every comparison nor loses every one.
        var latency = candidate.LatencySeconds > 0 ? candidate.LatencySeconds : 0;
        return latency + (InFlightWeight * candidate.InFlight) + (FailureWeight * candidate.ConsecutiveFailures);
    }

    public int Pick(ReadOnlySpan<RouteEndpoint> candidates)
    {
        if (candidates.IsEmpty)
        {
            return -1;
        }

        var best = 0;
        var bestScore = Score(candidates[0]);
        var ties = 1;
        for (var i = 1; i < candidates.Length; i++)
        {
            var score = Score(candidates[i]);
            if (score < bestScore)
            {
                best = i;
                bestScore = score;
                ties = 1;
            }
            else if (score == bestScore)
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
            if (Score(candidates[i]) == bestScore && skip-- == 0)
            {
                return i;
            }
        }
    }
}
