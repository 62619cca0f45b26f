namespace TradingAgents.Actors.Client.Hosting;

/// <summary>
/// Settings of the client library. Retry count and per-service timeouts come from
/// <see cref="Configuration.ServiceDiscoveryOptions"/> (<c>max_retries</c>, <c>timeout</c>), shared with the gateway.
/// </summary>
public sealed class TradingAgentsClientOptions
{
    /// <summary>Name of the <see cref="HttpClient"/> that <see cref="Calls.ServiceCaller"/> uses.</summary>
    public const string HttpClientName = "TradingAgents.Actors.ServiceCaller";

    /// <summary>
    /// Delay before the first retry; each further retry doubles it (exponential backoff). Default 1 s,
    /// the seed's <c>2 ** attempt</c> seconds. Zero retries at once.
    /// </summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Spread retry delays randomly so that callers that failed together do not retry together. Default true.</summary>
    public bool RetryJitter { get; set; } = true;

    /// <summary>
    /// Zone whose instances are preferred (the caller's own zone), by the same router logic as the gateway's
    /// (<c>zone_affinity</c>: instances on this process's node first, then this zone while enough of its
    /// instances are selectable, else every zone). Null for the process's own zone (<c>Routing:Zone</c>,
    /// <c>NODE_ZONE</c>, or learned from the node), if any.
    /// </summary>
    public string? PreferredZone { get; set; }
}
