using TradingAgents.Actors.Configuration;

namespace TradingAgents.Actors.Routing;

public sealed partial class ServiceRouter
{
    private static readonly ZoneAffinityOptions DefaultZoneAffinity = new();

    private readonly Func<ZoneAffinityOptions> _zoneAffinity;

    /// <summary>Where this process runs (zone, node), shared by its routers.</summary>
    public RouteLocality Locality { get; }

    /// <summary>This router's picks per zone over the last minute.</summary>
    public ZoneTraffic ZoneTraffic { get; }

    /// <summary>The preferred tier (node, zone, or every zone) for the current snapshot, and why.</summary>
    public (LocalityTier Tier, string Reason) LocalityDecision
    {
        get
        {
            var plan = LocalityFor(Volatile.Read(ref _table), null);
            return (plan.Tier, plan.Reason);
        }
    }

    /// <summary>Calls this router admitted per zone since its instances appeared (instances without a zone under <see cref="ZoneTraffic.NoZone"/>).</summary>
    public IReadOnlyDictionary<string, long> PicksByZone => ZoneTraffic.Totals(Volatile.Read(ref _table));

    /// <summary>This router's picks per zone over about the last minute, and the time they cover.</summary>
    public (IReadOnlyDictionary<string, long> Picks, TimeSpan Covered) RecentPicksByZone => ZoneTraffic.Recent(Volatile.Read(ref _table));

    private LocalityPlan LocalityFor(RouteTable table, string? preferredZone) =>
        table.PlanFor(preferredZone ?? Locality.Zone, Locality.Node, _zoneAffinity());
}
