namespace TradingAgents.Actors.Configuration;

/// <summary>
/// The <c>zone_affinity:</c> section: routers prefer instances on their own node, then in their own zone
/// (the process's <c>Routing:Node</c> and <c>Routing:Zone</c>), and spill to the whole service when the
/// local set has too little selectable capacity (Envoy's zone-aware routing, with the fleet's view of health).
/// </summary>
public sealed class ZoneAffinityOptions
{
    /// <summary><c>enabled</c>: false routes over every zone alike. Default true (it has no effect while the process knows no zone or node).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// <c>min_healthy_share</c>: the local set (node, or zone) is used only while at least this share of its
    /// instances is selectable; below it, traffic spills to every zone. Default 0.5.
    /// </summary>
    public double MinHealthyShare { get; set; } = 0.5;

    /// <summary>
    /// <c>min_instances</c>: the local set is used only when it has at least this many selectable instances
    /// (Envoy's <c>min_cluster_size</c>: a zone of one is one crash away from an outage). Default 1.
    /// </summary>
    public int MinInstances { get; set; } = 1;

    /// <summary><c>prefer_node</c>: prefer instances on the process's own node before its zone. Default true.</summary>
    public bool PreferNode { get; set; } = true;
}
