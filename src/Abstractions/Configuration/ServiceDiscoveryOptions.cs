namespace TradingAgents.Actors.Configuration;

/// <summary>
/// The <c>service_discovery:</c> tree of the seed's ConfigMap <c>config.yaml</c>. Defaults are the
/// seed's values. Bound by <c>ServiceDiscoveryConfigurationReader</c>, which accepts the seed's
/// snake_case keys as written and reports every bad key at once.
/// </summary>
public sealed class ServiceDiscoveryOptions
{
    /// <summary>The configuration section that holds this tree.</summary>
    public const string SectionName = "service_discovery";

    /// <summary>
    /// <c>namespace</c>: Kubernetes namespace watched for EndpointSlices. Default: the pod's namespace
    /// (<c>POD_NAMESPACE</c>) when set, else <c>trading-system</c>.
    /// </summary>
    public string Namespace { get; set; } = "trading-system";

    /// <summary><c>cache_ttl</c> (seconds): how long a near cache may serve a snapshot without a push. Default 30 s.</summary>
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary><c>default_timeout</c> (seconds): call timeout of services that set none. Default 30 s.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary><c>max_retries</c>: retries after the first attempt, each on another instance when one exists. Default 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary><c>load_balancing</c>: default policy and active health checks.</summary>
    public LoadBalancingOptions LoadBalancing { get; set; } = new();

    /// <summary><c>circuit_breaker</c>: per-endpoint, fleet-wide breaker.</summary>
    public CircuitBreakerOptions CircuitBreaker { get; set; } = new();

    /// <summary><c>services</c>: logical services by name (<c>analysis-engine</c>, ...).</summary>
    public Dictionary<string, ServiceOptions> Services { get; set; } = new(StringComparer.Ordinal);

    /// <summary><c>monitoring</c>.</summary>
    public MonitoringOptions Monitoring { get; set; } = new();

    /// <summary><c>cache</c>.</summary>
    public CacheOptions Cache { get; set; } = new();

    /// <summary><c>kubernetes</c>: the EndpointSlice watcher.</summary>
    public KubernetesDiscoveryOptions Kubernetes { get; set; } = new();

    /// <summary><c>retry_budget</c>: the fleet-wide limit on retries (each service may override it key by key).</summary>
    public RetryBudgetOptions RetryBudget { get; set; } = new();

    /// <summary><c>zone_affinity</c>: same-node and same-zone preference of the routers.</summary>
    public ZoneAffinityOptions ZoneAffinity { get; set; } = new();

    /// <summary>The retry budget of <paramref name="service"/>: its own <c>retry_budget</c>, else the global one.</summary>
    public RetryBudgetOptions GetRetryBudget(string service) => GetService(service).RetryBudget ?? RetryBudget;

    /// <summary>The options of <paramref name="service"/>, or defaults for a discovered service that is not configured.</summary>
    public ServiceOptions GetService(string service) =>
        Services.TryGetValue(service, out var options) ? options : ServiceOptions.Default;

    /// <summary>The deadline of one request to <paramref name="service"/> across all attempts: its <c>timeout</c>, else <see cref="DefaultTimeout"/>.</summary>
    public TimeSpan GetTimeout(string service) => GetService(service).Timeout ?? DefaultTimeout;

    /// <summary>The longest one attempt to <paramref name="service"/> may take: its <c>attempt_timeout</c>, else <see cref="GetTimeout"/>.</summary>
    public TimeSpan GetAttemptTimeout(string service)
    {
        var deadline = GetTimeout(service);
        return GetService(service).AttemptTimeout is { } attempt && attempt < deadline ? attempt : deadline;
    }

    /// <summary>The policy of <paramref name="service"/>: its own, else <see cref="LoadBalancingOptions.Algorithm"/>.</summary>
    public string GetAlgorithm(string service) => GetService(service).Algorithm ?? LoadBalancing.Algorithm;

    /// <summary>
    /// The logical name for a Kubernetes service name: the configured service whose
    /// <c>service_name</c> it is, else the Kubernetes name itself.
    /// </summary>
    public string GetLogicalName(string kubernetesServiceName)
    {
        foreach (var (logical, options) in Services)
        {
            if (string.Equals(options.ServiceName ?? logical, kubernetesServiceName, StringComparison.Ordinal))
            {
                return logical;
            }
        }

        return kubernetesServiceName;
    }
}
