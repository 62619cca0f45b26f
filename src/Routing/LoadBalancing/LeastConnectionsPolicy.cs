using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.LoadBalancing;

/// <summary>
/// The candidate with the fewest calls in flight. Ties rotate through the tied candidates in turn, so
/// equally idle instances share traffic evenly instead of the first one taking it all.
/// </summary>
/// <remarks>
/// A pick reads at most <see cref="ExactScanLimit"/> candidates, so its cost stays flat at any table size.
/// Up to <see cref="ExactScanLimit"/> instances it scans them all and the choice is exact. Above that it scans a
/// window of <see cref="WindowSize"/> consecutive candidates whose start moves one place per pick, and takes the
/// least loaded in the window: the power of d choices with d = 16 (two choices already keep the busiest
/// instances from growing, see <see cref="PowerOfTwoChoicesPolicy"/>). Each instance is in the window for 16
/// picks in a row of every table-length picks, so a newly idle instance waits at most table length − 16 picks
/// for a window that holds it. The sizes come from PolicyPickBenchmarks on the 2-core machine: a read costs
/// 2 ns while a table fits the first-level cache (30 instances: 58 ns exact) but up to 8 ns for 300 instances,
/// where a 64-candidate window measured 490 ns (docs/performance.md).
/// <para>Slow start: a candidate's load is <c>(in flight + 1) / ramp factor</c>, so an instance that is ramping up
/// counts as busier than its calls alone say (Envoy's least-request weighting). Without ramps every factor is 1 and
/// the loads are the integers in flight + 1, compared exactly, so the choice and the tie rotation are as before.</para>
/// </remarks>
internal sealed class LeastConnectionsPolicy : ILoadBalancingPolicy
{
    /// <summary>Largest table scanned whole (exact choice).</summary>
    public const int ExactScanLimit = 32;

    /// <summary>Candidates one pick reads in a larger table: a window from a rotating start.</summary>
    public const int WindowSize = 16;

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
        if (count <= ExactScanLimit)
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

        var length = count <= ExactScanLimit ? count : WindowSize;
        var bestOffset = 0;
        var bestInFlight = Load(candidates[start]);
        var ties = 1;
        for (var offset = 1; offset < length; offset++)
        {
            var inFlight = Load(candidates[Wrap(start + offset, count)]);
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
                if (Load(candidates[index]) == bestInFlight && skip-- == 0)
                {
                    return index;
                }
            }
        }

        return Wrap(start + bestOffset, count);
    }

    /// <summary>Calls in flight plus one, per unit of slow-start weight; exact integers when there is no ramp.</summary>
    private static double Load(RouteEndpoint candidate) => (candidate.InFlight + 1) / candidate.WeightFactor;

    private static int Wrap(int index, int count) => index < count ? index : index - count;
}
