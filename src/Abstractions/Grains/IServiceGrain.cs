using Orleans.Concurrency;
using TradingAgents.Actors.Discovery;

namespace TradingAgents.Actors.Grains;

/// <summary>
/// One logical service (key: its logical name, e.g. <c>data-service</c>): its endpoints from every
/// source, the mirrored state of each endpoint's instance grain, and the load-balancing cursor shared
/// by the whole fleet.
/// </summary>
[Alias("ta.IServiceGrain")]
public interface IServiceGrain : IGrainWithStringKey
{
    /// <summary>Chooses an endpoint with the service's policy, or says why there is none.</summary>
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
    /// Pushed by an instance grain when its breaker, health or statistics change. Interleaves with
    /// other calls because it only updates in-memory state without awaiting, and because the instance
    /// grain may push while this grain awaits a trial lease from it.
    /// </summary>
    [Alias("OnInstanceChanged"), AlwaysInterleave]
    ValueTask OnInstanceChangedAsync(InstanceStatus status);
}
