using System.Globalization;
using TradingAgents.Actors.Configuration;

namespace TradingAgents.Actors.Routing;

/// <summary>
/// One routing table's locality decision for one process: the selectable instances on its node and in its
/// zone, and whether each set has enough selectable capacity to take the traffic
/// (<c>zone_affinity.min_healthy_share</c> of the set's instances and at least <c>min_instances</c>).
/// Built once per table (and configuration), read by every pick; the router and the service grain's
/// one-off selection share it.
/// </summary>
internal sealed class LocalityPlan
{
    private LocalityPlan(
        string? zone,
        string? node,
        ZoneAffinityOptions? options,
        RouteEndpoint[] nodeCandidates,
        RouteEndpoint[] zoneCandidates,
        bool nodePasses,
        bool zonePasses,
        string reason)
    {
        Zone = zone;
        Node = node;
        Options = options;
        NodeCandidates = nodeCandidates;
        ZoneCandidates = zoneCandidates;
        NodePasses = nodePasses;
        ZonePasses = zonePasses;
        Reason = reason;
    }

    public string? Zone { get; }

    public string? Node { get; }

    /// <summary>The options the plan was built with (a reload makes a new plan).</summary>
    public ZoneAffinityOptions? Options { get; }

    /// <summary>Selectable instances on the process's node.</summary>
    public RouteEndpoint[] NodeCandidates { get; }

    /// <summary>Selectable instances in the process's zone.</summary>
    public RouteEndpoint[] ZoneCandidates { get; }

    /// <summary>The node's set may take the traffic.</summary>
    public bool NodePasses { get; }

    /// <summary>The zone's set may take the traffic.</summary>
    public bool ZonePasses { get; }

    /// <summary>The preferred tier.</summary>
    public LocalityTier Tier => NodePasses ? LocalityTier.Node : ZonePasses ? LocalityTier.Zone : LocalityTier.All;

    /// <summary>Why, in one sentence, for the status page and logs.</summary>
    public string Reason { get; }

    /// <summary>Builds the plan of <paramref name="table"/> for a process in <paramref name="zone"/> on <paramref name="node"/>.</summary>
    public static LocalityPlan Build(RouteTable table, string? zone, string? node, ZoneAffinityOptions options)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return new LocalityPlan(zone, node, options, [], [], false, false, "zone affinity is off (zone_affinity.enabled)");
        }

        if (zone is null && node is null)
        {
            return new LocalityPlan(zone, node, options, [], [], false, false, "this process knows neither its zone nor its node");
        }

        var (nodeAll, zoneAll) = (0, 0);
        List<RouteEndpoint>? onNode = null, inZone = null;
        foreach (var endpoint in table.All)
        {
            var instance = endpoint.Instance;
            var sameNode = options.PreferNode && node is not null && string.Equals(instance.NodeName, node, StringComparison.Ordinal);
            var sameZone = zone is not null && string.Equals(instance.Zone, zone, StringComparison.Ordinal);
            nodeAll += sameNode ? 1 : 0;
            zoneAll += sameZone ? 1 : 0;
            if (instance.Availability == InstanceAvailability.Selectable)
            {
                if (sameNode)
                {
                    (onNode ??= []).Add(endpoint);
                }

                if (sameZone)
                {
                    (inZone ??= []).Add(endpoint);
                }
            }
        }

        var nodeSelectable = onNode?.Count ?? 0;
        var zoneSelectable = inZone?.Count ?? 0;
        var nodePasses = Passes(nodeSelectable, nodeAll, options);
        var zonePasses = Passes(zoneSelectable, zoneAll, options);
        var reason = nodePasses
            ? $"node {node}: {Share(nodeSelectable, nodeAll)} selectable"
            : zonePasses
                ? $"zone {zone}: {Share(zoneSelectable, zoneAll)} selectable{(nodeAll > 0 ? $" (node {node}: only {Share(nodeSelectable, nodeAll)})" : string.Empty)}"
                : zone is null
                    ? $"no zone known; node {node} has {Share(nodeSelectable, nodeAll)} selectable: every zone"
                    : zoneAll == 0
                        ? $"zone {zone} has no instance of the service: every zone"
                        : $"zone {zone} has only {Share(zoneSelectable, zoneAll)} selectable (needs {Percent(options.MinHealthyShare)} and {options.MinInstances}): spilled to every zone";
        return new LocalityPlan(zone, node, options, onNode?.ToArray() ?? [], inZone?.ToArray() ?? [], nodePasses, zonePasses, reason);
    }

    /// <summary>True when this plan was built for (<paramref name="zone"/>, <paramref name="node"/>, <paramref name="options"/>).</summary>
    public bool IsFor(string? zone, string? node, ZoneAffinityOptions options) =>
        ReferenceEquals(Options, options) && string.Equals(Zone, zone, StringComparison.Ordinal) && string.Equals(Node, node, StringComparison.Ordinal);

    private static bool Passes(int selectable, int all, ZoneAffinityOptions options) =>
        all > 0 && selectable >= options.MinInstances && selectable >= options.MinHealthyShare * all;

    private static string Share(int selectable, int all) => string.Create(CultureInfo.InvariantCulture, $"{selectable} of {all}");

    private static string Percent(double share) => string.Create(CultureInfo.InvariantCulture, $"{share * 100:0.#}%");
}
