namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>The <c>Gateway</c> section: limits, retries and draining of the forwarding path.</summary>
public sealed class GatewayOptions
{
    /// <summary>The configuration section that holds these options.</summary>
    public const string SectionName = "Gateway";

    /// <summary>
    /// Seconds that in-flight proxied requests may take to finish after SIGTERM before the silo
    /// leaves the cluster. Default 30 (the Kubernetes manifests budget 5 + 30 + 10 = 45 s).
    /// </summary>
    public int DrainTimeoutSeconds { get; set; } = 30;

    /// <summary>Largest accepted request body, in bytes; larger ones get 413. Default 10 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Largest accepted total size of request headers, in bytes; larger ones get 431. Default 32 KiB.</summary>
    public int MaxRequestHeadersTotalBytes { get; set; } = 32 * 1024;

    /// <summary>
    /// Request bodies with a Content-Length up to this many bytes are held in memory so that a retry
    /// can send them again. Requests with larger or chunked bodies are sent once: never retried.
    /// Default 64 KiB; 0 disables retries of requests that carry a body.
    /// </summary>
    public int MaxReplayableBodyBytes { get; set; } = 64 * 1024;

    /// <summary>First retry delay in milliseconds; doubled per retry, with jitter. Default 100.</summary>
    public double RetryBaseDelayMilliseconds { get; set; } = 100;

    /// <summary>Longest retry delay in milliseconds. Default 2000.</summary>
    public double RetryMaxDelayMilliseconds { get; set; } = 2000;

    /// <summary>Seconds to wait for a TCP connection to an instance. Default 2.</summary>
    public double ConnectTimeoutSeconds { get; set; } = 2;

    /// <summary><c>Retry-After</c> seconds sent with 503 when no better hint is known. Default 5.</summary>
    public int RetryAfterSeconds { get; set; } = 5;
}
