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
