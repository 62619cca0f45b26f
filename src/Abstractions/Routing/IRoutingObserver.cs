using Orleans.Concurrency;

namespace TradingAgents.Actors.Routing;

/// <summary>A router's subscription to its service grain: receives every routing snapshot it publishes.</summary>
[Alias("ta.IRoutingObserver")]
public interface IRoutingObserver : IGrainObserver
{
    /// <summary>
    /// A new snapshot. One-way: the grain's fan-out never waits on a router, so a slow or dead
    /// subscriber cannot delay the others (ObserverManager notifies one observer after another).
    /// </summary>
    [OneWay, Alias("OnSnapshot")]
    void OnSnapshot(RoutingSnapshot snapshot);
}
