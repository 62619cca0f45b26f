namespace TradingAgents.Actors.Configuration;

/// <summary>The <c>kubernetes:</c> section: the EndpointSlice watcher (not in the seed; all optional).</summary>
public sealed class KubernetesDiscoveryOptions
{
    /// <summary><c>enabled</c>: run the watcher. Default false, so local runs need no cluster.</summary>
    public bool Enabled { get; set; }

    /// <summary><c>kubeconfig</c>: kubeconfig file used outside a pod; null for the default location.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary><c>context</c>: kubeconfig context; null for the current one.</summary>
    public string? Context { get; set; }

    /// <summary><c>restrict_to_configured</c>: ignore services that are not in <c>services:</c>. Default false.</summary>
    public bool RestrictToConfigured { get; set; }

    /// <summary><c>watch_timeout</c> (seconds): server-side timeout of one watch request. Default 300 s.</summary>
    public TimeSpan WatchTimeout { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>
    /// <c>list_timeout</c> (seconds): longest wait for one page of an EndpointSlice list. A list that
    /// does not answer in time is abandoned and retried with backoff, so that a hung API server cannot
    /// keep the endpoints stale for the HTTP client's 100 s. Default 30 s.
    /// </summary>
    public TimeSpan ListTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
