using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.LoadBalancing;

/// <summary>
/// Chooses one of the selectable instances of a routing table. Implementations are pure apart from
/// their own cursor or random source and are safe to call from many requests at once without a lock
/// (a router calls its policy on every request; cursors advance with interlocked operations, random
/// sources are thread-safe ones such as <see cref="Random.Shared"/>). Picks allocate nothing.
/// </summary>
internal interface ILoadBalancingPolicy
{
    /// <summary>The policy's configuration name (<c>round_robin</c>, ...).</summary>
    string Name { get; }

    /// <summary>Index into <paramref name="candidates"/> of the chosen instance, or -1 when it is empty.</summary>
    int Pick(ReadOnlySpan<RouteEndpoint> candidates);
}
