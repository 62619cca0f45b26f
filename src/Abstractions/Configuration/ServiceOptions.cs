namespace TradingAgents.Actors.Configuration;

/// <summary>One entry of the <c>services:</c> map.</summary>
public sealed class ServiceOptions
{
    /// <summary>Settings of a service that is discovered but not configured.</summary>
    public static ServiceOptions Default { get; } = new();

    /// <summary><c>service_name</c>: the Kubernetes Service behind this logical name; defaults to the logical name.</summary>
    public string? ServiceName { get; set; }

    /// <summary><c>port</c>: the endpoint port to use (matched by number in EndpointSlices); null to match by <see cref="PortName"/> only.</summary>
    public int? Port { get; set; }

    /// <summary><c>port_name</c>: the EndpointSlice port name to use. Default <c>http</c>.</summary>
    public string PortName { get; set; } = "http";

    /// <summary><c>health_path</c>: path probed by health checks. Default <c>/health</c>.</summary>
    public string HealthPath { get; set; } = "/health";

    /// <summary><c>weight</c>: default weight of this service's endpoints. Default 1.</summary>
    public int Weight { get; set; } = 1;

    /// <summary>
    /// <c>timeout</c> (seconds): the deadline of one request across all its attempts and retry delays;
    /// null for <c>default_timeout</c>. A request never takes longer, whatever <c>max_retries</c> says.
    /// </summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>
    /// <c>attempt_timeout</c> (seconds): the longest one attempt may take; null for the whole
    /// <see cref="Timeout"/>. Set it shorter than <c>timeout</c> to leave time for a retry after a hung instance.
    /// </summary>
    public TimeSpan? AttemptTimeout { get; set; }

    /// <summary><c>algorithm</c>: policy override for this service; null for the default.</summary>
    public string? Algorithm { get; set; }

    /// <summary>
    /// <c>forward_paths</c>: the path prefixes (after <c>/{service}</c>, whole segments, case-sensitive) that
    /// the gateway forwards to this service; other paths get 404 from the gateway. Null (the default):
    /// every path is forwarded. Keeps a backend's administrative endpoints out of the gateway's reach.
    /// </summary>
    public IReadOnlyList<string>? ForwardPaths { get; set; }

    /// <summary><c>retry_budget</c>: this service's retry budget (keys it does not set come from the global one); null for the global one.</summary>
    public RetryBudgetOptions? RetryBudget { get; set; }

    /// <summary><c>endpoints</c>: static endpoints for the configuration source (local runs, hosts outside Kubernetes).</summary>
    public List<StaticEndpointOptions> Endpoints { get; set; } = [];

    /// <summary>Fleet-wide controls of this service; unset ones come from <c>load_balancing:</c>.</summary>
    public FleetControlOptions Fleet { get; set; } = new();
}
