using Microsoft.Extensions.Configuration;

namespace TradingAgents.Actors.Configuration;

/// <summary>
/// Reads the <c>service_discovery:</c> tree of the seed's <c>config.yaml</c> with its snake_case keys
/// as written (durations in seconds, fractions allowed), and reports every bad key at once instead of
/// stopping at the first: an operator fixing a ConfigMap should see the whole list in one start-up.
/// It never throws for bad input. Keys are matched case-insensitively, as .NET configuration does, so
/// an environment override such as <c>service_discovery__max_retries=5</c> applies as well.
/// </summary>
public static partial class ServiceDiscoveryConfigurationReader
{
    private static readonly string[] RootKeys =
        ["namespace", "cache_ttl", "default_timeout", "max_retries", "load_balancing", "circuit_breaker", "services", "monitoring", "cache", "kubernetes", "retry_budget", "zone_affinity"];

    private static readonly string[] LoadBalancingKeys = ["algorithm", "health_check", 
        "max_ejection_percent", "panic_threshold", "panic_mode", "slow_start", "slow_start_aggression", "slow_start_min_weight_percent"];

    private static readonly string[] HealthCheckKeys = ["enabled", "interval", "timeout", "failure_threshold"];

    private static readonly string[] CircuitBreakerKeys = ["failure_threshold", "recovery_timeout", "half_open_max_calls", "max_retry_after", "quorum"];

    private static readonly string[] MonitoringKeys = ["metrics_enabled", "metrics_interval", "log_level"];

    private static readonly string[] CacheKeys = ["enabled", "ttl", "max_size", "cleanup_interval"];

    private static readonly string[] KubernetesKeys = ["enabled", "kubeconfig", "context", "restrict_to_configured", "watch_timeout", "list_timeout"];

    /// <summary>The accepted <c>monitoring:log_level</c> values (the seed's Python level names).</summary>
    public static IReadOnlyList<string> LogLevels { get; } = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"];

    /// <summary>Reads the <c>service_discovery</c> section of <paramref name="configuration"/>; a missing section gives the defaults.</summary>
    public static ServiceDiscoveryConfigurationResult Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new ServiceDiscoveryOptions();
        var errors = Read(configuration.GetSection(ServiceDiscoveryOptions.SectionName), options);
        return new ServiceDiscoveryConfigurationResult(options, errors);
    }

    /// <summary>Reads <paramref name="section"/> into <paramref name="options"/> and returns the errors.</summary>
    internal static IReadOnlyList<string> Read(IConfigurationSection section, ServiceDiscoveryOptions options)
    {
        var reader = new SectionReader();
        if (!reader.ExpectMap(section, RootKeys))
        {
            return reader.Errors;
        }

        options.Namespace = reader.DnsLabel(section, "namespace") ?? options.Namespace;
        options.CacheTtl = reader.Seconds(section, "cache_ttl") ?? options.CacheTtl;
        options.DefaultTimeout = reader.Seconds(section, "default_timeout") ?? options.DefaultTimeout;
        options.MaxRetries = reader.Int(section, "max_retries", min: 0) ?? options.MaxRetries;

        ReadLoadBalancing(reader, section.GetSection("load_balancing"), options.LoadBalancing);
        ReadCircuitBreaker(reader, section.GetSection("circuit_breaker"), options.CircuitBreaker);
        ReadRetryBudget(reader, section.GetSection("retry_budget"), options.RetryBudget);
        ReadZoneAffinity(reader, section.GetSection("zone_affinity"), options.ZoneAffinity);
        ReadServices(reader, section.GetSection("services"), options.Services, options.RetryBudget);
        ReadMonitoring(reader, section.GetSection("monitoring"), options.Monitoring);
        ReadCache(reader, section.GetSection("cache"), options.Cache);
        ReadKubernetes(reader, section.GetSection("kubernetes"), options.Kubernetes);
        return reader.Errors;
    }

    private static void ReadLoadBalancing(SectionReader reader, IConfigurationSection section, LoadBalancingOptions options)
    {
        if (!reader.ExpectMap(section, LoadBalancingKeys))
        {
            return;
        }

        options.Algorithm = reader.Algorithm(section, "algorithm") ?? options.Algorithm;
        ReadFleetControls(reader, section, options.Fleet);

        var health = section.GetSection("health_check");
        if (!reader.ExpectMap(health, HealthCheckKeys))
        {
            return;
        }

        var check = options.HealthCheck;
        check.Enabled = reader.Bool(health, "enabled") ?? check.Enabled;
        var interval = reader.Seconds(health, "interval");
        var timeout = reader.Seconds(health, "timeout");
        check.Interval = interval ?? check.Interval;
        check.Timeout = timeout ?? check.Timeout;
        check.FailureThreshold = reader.Int(health, "failure_threshold", min: 1) ?? check.FailureThreshold;

        // A probe that may outlast the interval would overlap the next one for the same endpoint.
        if ((interval is not null || timeout is not null) && check.Timeout >= check.Interval)
        {
            reader.Error(
                ConfigurationPath.Combine(health.Path, "timeout"),
                $"{FormatSeconds(check.Timeout)} s must be less than interval ({FormatSeconds(check.Interval)} s)");
        }
    }

    private static void ReadCircuitBreaker(SectionReader reader, IConfigurationSection section, CircuitBreakerOptions options)
    {
        if (!reader.ExpectMap(section, CircuitBreakerKeys))
        {
            return;
        }

        options.FailureThreshold = reader.Int(section, "failure_threshold", min: 1) ?? options.FailureThreshold;
        options.RecoveryTimeout = reader.Seconds(section, "recovery_timeout") ?? options.RecoveryTimeout;
        options.HalfOpenMaxCalls = reader.Int(section, "half_open_max_calls", min: 1) ?? options.HalfOpenMaxCalls;
        options.MaxRetryAfter = reader.Seconds(section, "max_retry_after") ?? options.MaxRetryAfter;
        options.Quorum = reader.Int(section, "quorum", min: 1, max: 1000) ?? options.Quorum;
    }

    private static void ReadMonitoring(SectionReader reader, IConfigurationSection section, MonitoringOptions options)
    {
        if (!reader.ExpectMap(section, MonitoringKeys))
        {
            return;
        }

        options.MetricsEnabled = reader.Bool(section, "metrics_enabled") ?? options.MetricsEnabled;
        options.MetricsInterval = reader.Seconds(section, "metrics_interval") ?? options.MetricsInterval;
        options.LogLevel = reader.OneOf(section, "log_level", LogLevels, "log level") ?? options.LogLevel;
    }

    private static void ReadCache(SectionReader reader, IConfigurationSection section, CacheOptions options)
    {
        if (!reader.ExpectMap(section, CacheKeys))
        {
            return;
        }

        options.Enabled = reader.Bool(section, "enabled") ?? options.Enabled;
        options.Ttl = reader.Seconds(section, "ttl") ?? options.Ttl;
        options.MaxSize = reader.Int(section, "max_size", min: 1) ?? options.MaxSize;
        options.CleanupInterval = reader.Seconds(section, "cleanup_interval") ?? options.CleanupInterval;
    }

    private static void ReadKubernetes(SectionReader reader, IConfigurationSection section, KubernetesDiscoveryOptions options)
    {
        if (!reader.ExpectMap(section, KubernetesKeys))
        {
            return;
        }

        options.Enabled = reader.Bool(section, "enabled") ?? options.Enabled;
        options.Kubeconfig = reader.String(section, "kubeconfig") ?? options.Kubeconfig;
        options.Context = reader.String(section, "context") ?? options.Context;
        options.RestrictToConfigured = reader.Bool(section, "restrict_to_configured") ?? options.RestrictToConfigured;
        options.WatchTimeout = reader.Seconds(section, "watch_timeout") ?? options.WatchTimeout;
        options.ListTimeout = reader.Seconds(section, "list_timeout") ?? options.ListTimeout;
    }

    private static string FormatSeconds(TimeSpan value) =>
        value.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
}
