using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.LoadBalancing;

/// <summary>
/// The candidate with the fewest calls in flight. Ties rotate through the tied candidates in turn, so
/// equally idle instances share traffic evenly instead of the first one taking it all.
/// </summary>
/// <remarks>
/// A pick reads at most <see cref="MaxScan"/> candidates, so its cost stays flat at any table size (about
/// 1 ns a candidate). Up to <see cref="MaxScan"/> instances it scans them all and the choice is exact. Above
/// that it scans a window of <see cref="MaxScan"/> consecutive candidates whose start moves one place per pick,
/// and takes the least loaded in the window: the least loaded of a sample of 64 rather than of all, which is
/// the power of d choices with d = 64 (two choices already keep the busiest instances from growing, see
/// <see cref="PowerOfTwoChoicesPolicy"/>). Each instance is in the window for 64 of every table-length picks in
/// a row, so a newly idle instance waits at most table length − 64 picks for a window that holds it.
/// </remarks>
internal sealed class LeastConnectionsPolicy : ILoadBalancingPolicy
{
    /// <summary>Most candidates one pick reads; an exact scan up to this table size, a rotating window above it.</summary>
    public const int MaxScan = 64;

    private long _cursor;

    public string Name => LoadBalancingAlgorithms.LeastConnections;

    public int Pick(ReadOnlySpan<RouteEndpoint> candidates)
    {
        var count = candidates.Length;
        if (count < 2)
        {
            return count - 1;
        }

        var ticket = unchecked((ulong)Interlocked.Increment(ref _cursor) - 1);
        int start;
        ulong tieTicket;
        if (count <= MaxScan)
        {
            start = 0;
            tieTicket = ticket;
        }
        else
        {
            // Consecutive picks start one place apart; the tie rotation turns once per lap of the table, so
            // over count picks in an idle table each instance is chosen once.
            start = (int)(ticket % (ulong)count);
            tieTicket = ticket / (ulong)count;
        }

        var length = Math.Min(count, MaxScan);
        var bestOffset = 0;
        var bestInFlight = candidates[start].InFlight;
        var ties = 1;
        for (var offset = 1; offset < length; offset++)
        {
            var inFlight = candidates[Wrap(start + offset, count)].InFlight;
            if (inFlight < bestInFlight)
            {
                bestOffset = offset;
                bestInFlight = inFlight;
                ties = 1;
            }
            else if (inFlight == bestInFlight)
            {
                ties++;
            }
        }

        if (ties > 1)
        {
            // A second pass from the first tied candidate only when there is a tie: the n-th tied one. Counts
            // change under concurrent calls, so the pass is bounded and falls back to the first tied candidate.
            var skip = (int)(tieTicket % (ulong)ties);
            for (var offset = bestOffset; offset < length; offset++)
            {
                var index = Wrap(start + offset, count);
                if (candidates[index].InFlight == bestInFlight && skip-- == 0)
                {
                    return index;
                }
            }
        }

        return Wrap(start + bestOffset, count);
    }

    private static int Wrap(int index, int count) => index < count ? index : index - count;
}
