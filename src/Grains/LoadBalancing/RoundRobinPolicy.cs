using TradingAgents.Actors.Configuration;

namespace TradingAgents.Actors.LoadBalancing;

/// <summary>
/// Each candidate in turn. The service grain owns the one instance of this policy for its service,
/// so the cursor is the fleet's: every gateway's selections advance the same rotation.
/// </summary>
/// <param name="start">First cursor value; tests use it to cross the wrap-around.</param>
internal sealed class RoundRobinPolicy(ulong start = 0) : ILoadBalancingPolicy
{
    // 64 bits wrap only after centuries of picks, so the rotation stays cyclic in practice, and
    // unchecked arithmetic keeps even that wrap from throwing.
    private ulong _cursor = start;

    public string Name => LoadBalancingAlgorithms.RoundRobin;

    public int Pick(ReadOnlySpan<PolicyCandidate> candidates)
    {
        if (candidates.IsEmpty)
        {
            return -1;
        }

        var index = (int)(_cursor % (ulong)candidates.Length);
        _cursor = unchecked(_cursor + 1);
        return index;
    }
}
