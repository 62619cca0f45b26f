namespace TradingAgents.Actors.Silo.Observability;

/// <summary>The <c>Metrics</c> section: where Prometheus scrapes the gateway.</summary>
public sealed class MetricsOptions
{
    /// <summary>The configuration section that holds these options.</summary>
    public const string SectionName = "Metrics";

    /// <summary>The scrape path, on the main port and on <see cref="Port"/>.</summary>
    public const string Path = "/metrics";

    /// <summary>
    /// A second port that serves only <see cref="Path"/>, as the seed's metrics port 9090 and the pod's
    /// <c>metrics</c> container port. Unset: metrics only on the main port (an operator surface there,
    /// see <c>Management:Port</c>).
    /// </summary>
    public int? Port { get; set; }

    /// <summary>
    /// The address <see cref="Port"/> listens on (<c>127.0.0.1</c>, <c>0.0.0.0</c>, <c>*</c>, ...). Default: the
    /// host of the gateway's first address, so a gateway on 127.0.0.1 keeps its metrics on loopback too.
    /// </summary>
    public string? Host { get; set; }
}
