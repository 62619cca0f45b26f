namespace TradingAgents.Actors.Routing;

/// <summary>
/// Told of every call a router admits, for the host's metrics (the gateway counts
/// <c>service_selections</c> and <c>service_discovery_cache_hit_rate</c> with it). Called on the request
/// path: implementations must be cheap and must not throw.
/// </summary>
public interface IRouterPickObserver
{
    /// <summary>A call to <paramref name="instanceId"/> of <paramref name="service"/> was admitted.</summary>
    /// <param name="service">Logical service name.</param>
    /// <param name="instanceId"><c>host:port</c>.</param>
    /// <param name="fromLocalState">False when the request had to wait for the router's first snapshot (a cache miss).</param>
    void OnPicked(string service, string instanceId, bool fromLocalState);
}
