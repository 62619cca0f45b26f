using System.Collections.Immutable;

namespace TradingAgents.Actors.Routing;

/// <summary>Trial leases handed to a router for one instance's current half-open period.</summary>
/// <param name="LeaseIds">Granted leases (possibly none); each admits one trial call.</param>
/// <param name="Generation">Breaker generation of the half-open period they belong to.</param>
/// <param name="UseBefore">A router returns a lease it has not used by then (as a cancelled outcome).</param>
[GenerateSerializer, Immutable, Alias("ta.TrialLeaseGrant")]
public sealed record TrialLeaseGrant(
    [property: Id(0)] ImmutableArray<long> LeaseIds,
    [property: Id(1)] long Generation,
    [property: Id(2)] DateTimeOffset UseBefore)
{
    /// <summary>No lease granted.</summary>
    public static TrialLeaseGrant None { get; } = new([], 0, DateTimeOffset.MinValue);
}
