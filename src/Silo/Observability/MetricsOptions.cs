namespace TradingAgents.Actors.Silo.Observability;

/// <summary>The <c>Metrics</c> section: where Prometheus scrapes the gateway.</summary>
public sealed class MetricsOptions
{
    /// <summary>The configuration section that holds these options.</summary>
    public const string SectionName = "Metrics";

    /// <summary>The scrape path, on the main port and on <see cref="Port"/>.</summary>
    public const string Path = "/metrics";

    /// <summary>
    /// A second port (all interfaces) that serves only <see cref="Path"/>, as the seed's metrics port
    /// 9090 and the pod's <c>metrics</c> container port. Unset: metrics only on the main port.
    /// </summary>
    public int? Port { get; set; }
}
