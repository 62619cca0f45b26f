using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.LoadBalancing;

/// <summary>
/// Each candidate in turn. Every router has its own cursor, started at a random position so that
/// gateways started together do not send their first requests to the same instance; a global cursor
/// would put a grain call back on every request. The deviation this leaves across gateways is measured
/// in docs/performance.md.
/// </summary>
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
        return (int)(ticket % (ulong)candidates.Length);
    }
}
