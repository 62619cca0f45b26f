namespace TradingAgents.Actors.Silo.Hosting;

/// <summary>
/// The <c>Cluster</c> section: how the co-hosted silo finds the rest of the cluster. The Kubernetes
/// manifests set these through environment variables (<c>Cluster__Provider</c>, ...).
/// </summary>
public sealed class ClusterHostingOptions
{
    /// <summary>The configuration section that holds these options.</summary>
    public const string SectionName = "Cluster";

    /// <summary>The <see cref="Provider"/> value for single-machine development clustering.</summary>
    public const string LocalhostProvider = "Localhost";

    /// <summary>The <see cref="Provider"/> value for Redis membership.</summary>
    public const string RedisProvider = "Redis";

    /// <summary><c>Localhost</c> (default: one machine, no other process) or <c>Redis</c>.</summary>
    public string Provider { get; set; } = LocalhostProvider;

    /// <summary>StackExchange.Redis connection string; required when <see cref="Provider"/> is <c>Redis</c>.</summary>
    public string? RedisConnectionString { get; set; }

    /// <summary>Orleans cluster id: silos with the same id form one cluster. Default <c>trading-agents</c>.</summary>
    public string ClusterId { get; set; } = "trading-agents";

    /// <summary>Orleans service id: stays the same across deployments. Default <c>trading-agents</c>.</summary>
    public string ServiceId { get; set; } = "trading-agents";

    /// <summary>Silo-to-silo port. Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port for external Orleans clients. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// Address advertised to other silos with Redis clustering; defaults to the <c>POD_IP</c>
    /// environment variable, else the address Orleans picks.
    /// </summary>
    public string? AdvertisedIPAddress { get; set; }

    /// <summary>
    /// Membership probe timeout in seconds. Default 1: with <see cref="MissedProbesLimit"/> 2 a dead silo
    /// is declared dead in under a second instead of Orleans' ~16 s (see DESIGN.md).
    /// </summary>
    public double ProbeTimeoutSeconds { get; set; } = 1;

    /// <summary>Missed probes before a silo is suspected. Default 2.</summary>
    public int MissedProbesLimit { get; set; } = 2;

    /// <summary>
    /// Enables Orleans' Kubernetes hosting (pod labels, deleting pods of dead silos). Off by default
    /// because it aborts start-up outside a pod.
    /// </summary>
    public bool KubernetesHosting { get; set; }

    /// <summary>True when <see cref="Provider"/> names Redis (case-insensitive).</summary>
    public bool UsesRedis => string.Equals(Provider, RedisProvider, StringComparison.OrdinalIgnoreCase);
}
