using System.Collections.Immutable;

namespace TradingAgents.Actors.Discovery;

/// <summary>
/// The whole set of endpoints one source knows for one service, at one version. Sources send whole
/// sets, never deltas, so that a lost or repeated message cannot leave a grain half-updated: the
/// grain keeps the highest version per source and ignores anything not newer.
/// </summary>
/// <param name="Source">The source's name (<c>configuration</c>, <c>kubernetes</c>); sets of different sources are united.</param>
/// <param name="Version">Monotonic per source and service; an update whose version is not above the last applied one changes no endpoints.</param>
/// <param name="Endpoints">Every endpoint the source knows for the service; empty means the source has none.</param>
/// <param name="SyncedAt">When the source last confirmed this set with its origin (list, watch event or file read).</param>
[GenerateSerializer, Immutable, Alias("ta.EndpointSetUpdate")]
public sealed record EndpointSetUpdate(
    [property: Id(0)] string Source,
    [property: Id(1)] long Version,
    [property: Id(2)] ImmutableArray<ServiceEndpoint> Endpoints,
    [property: Id(3)] DateTimeOffset SyncedAt);
