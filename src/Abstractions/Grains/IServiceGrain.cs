using Orleans.Concurrency;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Grains;

/// <summary>
/// One logical service (key: its logical name, e.g. <c>data-service</c>): its endpoints from every
/// source and the mirrored state of each endpoint's instance grain. It decides which instances may take
/// traffic and publishes that as a <see cref="RoutingSnapshot"/> to every subscribed router; requests are
/// routed from those snapshots, not through this grain.
/// </summary>
[Alias("ta.IServiceGrain")]
public interface IServiceGrain : IGrainWithStringKey
{
    /// <summary>
    /// A one-off fleet-wide pick with the service's policy from the same state the routers use, or why
    /// there is none. Callers on a request path use a router instead (no grain call per request).
    /// </summary>
    [Alias("Select")]
    ValueTask<Selection> SelectAsync(SelectionRequest? request = null);

    /// <summary>
    /// Replaces the endpoints of one source with a whole versioned set. Idempotent: a version that is
    /// not newer than the one held changes no endpoints.
    /// </summary>
    [Alias("ApplyEndpoints")]
    ValueTask<ApplyResult> ApplyEndpointsAsync(EndpointSetUpdate update);

    /// <summary>Everything the grain knows, for APIs and dashboards.</summary>
    [Alias("GetSnapshot"), ReadOnly]
    ValueTask<ServiceSnapshot> GetSnapshotAsync();

    /// <summary>
    /// Pushed by an instance grain when its breaker, health or statistics change. One-way, so an
    /// instance grain never waits on this grain; interleaves because it only updates in-memory state
    /// and because the instance grain may push while this grain awaits a trial lease from it.
    /// </summary>
    [Alias("OnInstanceChanged"), AlwaysInterleave, OneWay]
    ValueTask OnInstanceChangedAsync(InstanceStatus status);

    /// <summary>
    /// Subscribes (or refreshes the subscription of) a router and checks its version: returns the current
    /// snapshot unless the router already holds (<paramref name="epoch"/>, <paramref name="version"/>),
    /// then null. Routers call it at start and periodically; subscriptions not refreshed expire.
    /// </summary>
    [Alias("Subscribe")]
    ValueTask<RoutingSnapshot?> SubscribeAsync(IRoutingObserver observer, Guid epoch, long version);

    /// <summary>Ends a router's subscription.</summary>
    [Alias("Unsubscribe")]
    ValueTask UnsubscribeAsync(IRoutingObserver observer);

    /// <summary>The current routing snapshot, without subscribing.</summary>
    [Alias("GetRoutingSnapshot"), ReadOnly]
    ValueTask<RoutingSnapshot> GetRoutingSnapshotAsync();

    /// <summary>
    /// A router's periodic retry-budget report (its requests and retries since the last one); returns its
    /// allowance of retries until the next report, computed from the whole fleet's traffic over the
    /// budget's window. Background traffic of the router, never on a request's path. Interleaves: it only
    /// updates the in-memory ledger and never waits.
    /// </summary>
    [Alias("ReportRetries"), AlwaysInterleave]
    ValueTask<RetryBudgetGrant> ReportRetriesAsync(RetryBudgetReport report);
}
