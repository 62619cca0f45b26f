namespace TradingAgents.Actors.LoadBalancing;

/// <summary>
/// Chooses one of the selectable instances. Implementations are pure apart from their own cursor or
/// random source, and are not thread-safe: one instance belongs to one service grain, which calls it
/// from one turn at a time.
/// </summary>
internal interface ILoadBalancingPolicy
{
    /// <summary>The policy's configuration name (<c>round_robin</c>, ...).</summary>
    string Name { get; }

    /// <summary>Index into <paramref name="candidates"/> of the chosen instance, or -1 when it is empty.</summary>
    int Pick(ReadOnlySpan<PolicyCandidate> candidates);
}
