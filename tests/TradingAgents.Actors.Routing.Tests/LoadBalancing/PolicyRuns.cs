using TradingAgents.Actors.LoadBalancing;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Tests.LoadBalancing;

/// <summary>Runs a policy many times over fixed candidates and tallies what it picked.</summary>
internal static class PolicyRuns
{
    public const int Picks = 100_000;

    public static int[] Count(ILoadBalancingPolicy policy, RouteEndpoint[] candidates, int picks = Picks)
    {
        var counts = new int[candidates.Length];
        for (var i = 0; i < picks; i++)
        {
            counts[policy.Pick(candidates)]++;
        }

        return counts;
    }

    /// <summary>A stand-alone endpoint with the given figures (latency in seconds).</summary>
    public static RouteEndpoint Endpoint(int inFlight, double latencySeconds, int consecutiveFailures, int weight) =>
        RouteEndpoint.ForPolicy(inFlight, latencySeconds, consecutiveFailures, weight);

    public static RouteEndpoint[] WithInFlight(params int[] inFlight) =>
        [.. inFlight.Select(n => Endpoint(n, 0.05, 0, 1))];

    public static RouteEndpoint[] WithWeights(params int[] weights) =>
        [.. weights.Select(w => Endpoint(0, 0.05, 0, w))];

    /// <summary>
    /// Runs <paramref name="picks"/> requests, one per tick, each holding its instance's in-flight count for a
    /// seeded random 1 to 2 × <paramref name="concurrency"/> ticks: about <paramref name="concurrency"/> calls
    /// in flight at any time, rising and falling as they end. Every call has ended when it returns.
    /// </summary>
    public static int[] CountConcurrent(ILoadBalancingPolicy policy, RouteEndpoint[] candidates, int concurrency, int seed, int picks = Picks)
    {
        var durations = new Random(seed);
        var counts = new int[candidates.Length];
        var calls = new PriorityQueue<RouteEndpoint, long>();
        for (long now = 0; now < picks; now++)
        {
            while (calls.TryPeek(out var call, out var endsAt) && endsAt <= now)
            {
                calls.Dequeue();
                call.Load.Ended();
            }

            var index = policy.Pick(candidates);
            counts[index]++;
            candidates[index].Load.Started();
            calls.Enqueue(candidates[index], now + 1 + durations.Next(2 * concurrency));
        }

        while (calls.TryDequeue(out var call, out _))
        {
            call.Load.Ended();
        }

        return counts;
    }

    /// <summary>Largest distance of a count from the mean count, relative to the mean (the seed's "deviation").</summary>
    public static double MaxDeviation(int[] counts)
    {
        var mean = counts.Average();
        return counts.Max(c => Math.Abs(c - mean)) / mean;
    }

    /// <summary>Bytes this thread allocates over 1,000 picks, after a warm-up.</summary>
    public static long AllocatedBytes(ILoadBalancingPolicy policy, RouteEndpoint[] candidates)
    {
        for (var i = 0; i < 100; i++)
        {
            policy.Pick(candidates);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            policy.Pick(candidates);
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
