namespace TradingAgents.Actors.Routing;

/// <summary>
/// Where this process runs, for zone and node affinity: <c>Routing:Node</c> (else the downward API's
/// <c>NODE_NAME</c>) and <c>Routing:Zone</c> (else <c>NODE_ZONE</c>, else learned from the EndpointSlices: the
/// zone of any instance on this node). One per process, shared by its routers.
/// </summary>
public sealed class RouteLocality
{
    /// <summary>The environment variable the Kubernetes manifests fill with <c>spec.nodeName</c>.</summary>
    public const string NodeVariable = "NODE_NAME";

    /// <summary>The environment variable an overlay may fill with the node's zone.</summary>
    public const string ZoneVariable = "NODE_ZONE";

    private volatile string? _learnedZone;

    /// <summary>Creates the locality of a process.</summary>
    /// <param name="zone">The configured zone; null when not configured.</param>
    /// <param name="node">The configured node; null when not configured.</param>
    public RouteLocality(string? zone, string? node)
    {
        ConfiguredZone = string.IsNullOrWhiteSpace(zone) ? null : zone.Trim();
        Node = string.IsNullOrWhiteSpace(node) ? null : node.Trim();
    }

    /// <summary>No zone, no node: affinity has no effect.</summary>
    public static RouteLocality None { get; } = new(null, null);

    /// <summary>The node this process runs on; null when unknown.</summary>
    public string? Node { get; }

    /// <summary>The zone from configuration or environment; null when not set.</summary>
    public string? ConfiguredZone { get; }

    /// <summary>The zone in use: configured, else learned from an instance on this node; null when unknown.</summary>
    public string? Zone => ConfiguredZone ?? _learnedZone;

    /// <summary>Where <see cref="Zone"/> comes from: <c>config</c>, <c>node</c> (learned) or null.</summary>
    public string? ZoneSource => ConfiguredZone is not null ? "config" : _learnedZone is not null ? "node" : null;

    /// <summary>The locality from <paramref name="options"/>, falling back to the environment.</summary>
    public static RouteLocality From(RouterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new RouteLocality(
            options.Zone ?? Environment.GetEnvironmentVariable(ZoneVariable),
            options.Node ?? Environment.GetEnvironmentVariable(NodeVariable));
    }

    /// <summary>
    /// Learns the zone from a snapshot when none is configured: an instance on this node is in this node's
    /// zone (the EndpointSlice controller copies the node's <c>topology.kubernetes.io/zone</c> label).
    /// </summary>
    internal void Learn(RoutingSnapshot snapshot)
    {
        if (ConfiguredZone is not null || Node is null || _learnedZone is not null || snapshot.Instances.IsDefaultOrEmpty)
        {
            return;
        }

        foreach (var instance in snapshot.Instances)
        {
            if (instance.Zone is { Length: > 0 } zone && string.Equals(instance.NodeName, Node, StringComparison.Ordinal))
            {
                _learnedZone = zone;
                return;
            }
        }
    }
}
