using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Silo.Api;

/// <summary>One router's zone and node affinity in <c>GET /api/discovery/routers</c>: where this gateway runs, which instances it prefers, and its traffic per zone.</summary>
/// <param name="Zone">This gateway's zone; null when unknown.</param>
/// <param name="ZoneSource"><c>config</c> (Routing:Zone or NODE_ZONE), <c>node</c> (learned from an instance on this node), or null.</param>
/// <param name="Node">This gateway's node; null when unknown.</param>
/// <param name="Tier"><c>node</c>, <c>zone</c> or <c>all</c> (no locality known, affinity off, or spilled).</param>
/// <param name="Reason">Why, in one sentence.</param>
/// <param name="RecentSeconds">The time <see cref="ZoneTrafficSummary.RecentPicks"/> covers (up to 60 s).</param>
/// <param name="Zones">Per instance zone: instances, selectable ones, and this gateway's picks.</param>
public sealed record RouterLocalitySummary(
    string? Zone,
    string? ZoneSource,
    string? Node,
    string Tier,
    string Reason,
    double RecentSeconds,
    IReadOnlyList<ZoneTrafficSummary> Zones)
{
    /// <summary>The summary of <paramref name="router"/>.</summary>
    public static RouterLocalitySummary Of(ServiceRouter router)
    {
        ArgumentNullException.ThrowIfNull(router);
        var locality = router.Locality;
        var (tier, reason) = router.LocalityDecision;
        var totals = router.PicksByZone;
        var (recent, covered) = router.RecentPicksByZone;
        var zones = router.Snapshot.Instances
            .GroupBy(i => i.Zone is { Length: > 0 } z ? z : ZoneTraffic.NoZone, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ZoneTrafficSummary(
                g.Key,
                string.Equals(g.Key, locality.Zone, StringComparison.Ordinal),
                g.Count(),
                g.Count(i => i.Availability == InstanceAvailability.Selectable),
                totals.GetValueOrDefault(g.Key),
                recent.GetValueOrDefault(g.Key)))
            .ToList();
        return new RouterLocalitySummary(locality.Zone, locality.ZoneSource, locality.Node, tier.ToString().ToLowerInvariant(), reason, Math.Round(covered.TotalSeconds, 1), zones);
    }
}

/// <summary>One zone of a service as one gateway routes to it.</summary>
/// <param name="Zone">The zone (<c>(none)</c> for instances without one).</param>
/// <param name="Local">True for this gateway's own zone.</param>
/// <param name="Instances">Instances of the service in the zone.</param>
/// <param name="Selectable">Of those, the ones that take ordinary traffic (fleet view).</param>
/// <param name="Picks">Calls this gateway sent there since the instances appeared.</param>
/// <param name="RecentPicks">Calls this gateway sent there within the recent window.</param>
public sealed record ZoneTrafficSummary(string Zone, bool Local, int Instances, int Selectable, long Picks, long RecentPicks);
