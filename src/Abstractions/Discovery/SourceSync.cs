namespace TradingAgents.Actors.Discovery;

/// <summary>The last set a source delivered for a service, and how fresh it is.</summary>
/// <param name="Source">Source name.</param>
/// <param name="Version">Version of the set held.</param>
/// <param name="EndpointCount">Endpoints in that set.</param>
/// <param name="LastSyncedAt">When the source last confirmed the set with its origin.</param>
/// <param name="AgeSeconds">Seconds between <paramref name="LastSyncedAt"/> and the snapshot.</param>
/// <param name="Generation">Generation of the set held (see <see cref="EndpointSetUpdate.Generation"/>).</param>
/// <param name="Problem">Why some of the source's objects gave no endpoints; null when none.</param>
[GenerateSerializer, Immutable, Alias("ta.SourceSync")]
public sealed record SourceSync(
    [property: Id(0)] string Source,
    [property: Id(1)] long Version,
    [property: Id(2)] int EndpointCount,
    [property: Id(3)] DateTimeOffset LastSyncedAt,
    [property: Id(4)] double AgeSeconds,
    [property: Id(5)] long Generation = 0,
    [property: Id(6)] string? Problem = null);
