using System.Collections.Immutable;

namespace TradingAgents.Actors.Discovery;

/// <summary>
/// The whole set of endpoints one source knows for one service, at one version. Sources send whole
/// sets, never deltas, so that a lost or repeated message cannot leave a grain half-updated: the
/// grain keeps the newest set per source and ignores anything not newer, in the order of
/// <see cref="EndpointSetOrder"/>: <paramref name="Generation"/> first, then <paramref name="Version"/>.
/// </summary>
/// <param name="Source">The source's name (<c>configuration</c>, <c>kubernetes</c>); sets of different sources are united.</param>
/// <param name="Version">Monotonic per source, service and generation; an update that is not newer than the last applied one changes no endpoints.</param>
/// <param name="Endpoints">Every endpoint the source knows for the service; empty means the source has none.</param>
/// <param name="SyncedAt">When the source last confirmed this set with its origin (list, watch event or file read).</param>
/// <param name="Generation">
/// Orders before <paramref name="Version"/>. A source whose origin's versions can start again lower (the
/// Kubernetes API after an etcd restore or a rebuilt cluster) moves to a higher generation when it sees
/// that happen, so that its next set replaces the held one whatever the numbers. 0 for sources that never do.
/// </param>
/// <param name="Problem">Why some of the source's objects gave no endpoints (a port that matches nothing, say); null when none.</param>
/// <param name="Withdrawn">
/// The source no longer knows the service at all (its Kubernetes Service and slices are gone), as
/// opposed to knowing it with no endpoints (scaled to zero). A service that is not configured and
/// that every source withdrew or lists empty, one at least withdrawn, is forgotten.
/// </param>
[GenerateSerializer, Immutable, Alias("ta.EndpointSetUpdate")]
public sealed record EndpointSetUpdate(
    [property: Id(0)] string Source,
    [property: Id(1)] long Version,
    [property: Id(2)] ImmutableArray<ServiceEndpoint> Endpoints,
    [property: Id(3)] DateTimeOffset SyncedAt,
    [property: Id(4)] long Generation = 0,
    [property: Id(5)] string? Problem = null,
    [property: Id(6)] bool Withdrawn = false);
