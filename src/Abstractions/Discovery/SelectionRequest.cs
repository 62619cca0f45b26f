using System.Collections.Immutable;

namespace TradingAgents.Actors.Discovery;

/// <summary>Optional constraints on one selection.</summary>
/// <param name="ExcludedInstanceIds">Instances already tried by this call (a retry goes elsewhere when it can).</param>
/// <param name="PreferredZone">Prefer endpoints in this zone when any is selectable there.</param>
/// <param name="Inspect">Only show what would be picked (debugging): no half-open trial lease is taken, nothing is counted.</param>
[GenerateSerializer, Immutable, Alias("ta.SelectionRequest")]
public sealed record SelectionRequest(
    [property: Id(0)] ImmutableArray<string> ExcludedInstanceIds = default,
    [property: Id(1)] string? PreferredZone = null,
    [property: Id(2)] bool Inspect = false)
{
    /// <summary>A request with no constraints.</summary>
    public static SelectionRequest None { get; } = new();

    /// <summary>A request that avoids the given instances.</summary>
    public static SelectionRequest Excluding(IEnumerable<string> instanceIds) => new([.. instanceIds]);
}
