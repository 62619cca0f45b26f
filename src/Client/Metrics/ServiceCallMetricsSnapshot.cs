namespace TradingAgents.Actors.Client.Metrics;

/// <summary>A point-in-time copy of <see cref="ServiceCallMetrics"/>, like the seed's <c>get_metrics()</c>.</summary>
/// <param name="Total">Counters over all services.</param>
/// <param name="Services">Counters per logical service name.</param>
public sealed record ServiceCallMetricsSnapshot(ServiceCallCounts Total, IReadOnlyDictionary<string, ServiceCallCounts> Services)
{
    /// <summary>Selections asked of the service grains.</summary>
    public long DiscoveryCalls => Total.DiscoveryCalls;

    /// <summary>Logical calls (a call and its retries count once).</summary>
    public long ServiceCalls => Total.ServiceCalls;

    /// <summary>Logical calls whose last attempt failed.</summary>
    public long Failures => Total.Failures;

    /// <summary>Attempts after the first one.</summary>
    public long Retries => Total.Retries;

    /// <summary>Failures / max(1, service calls).</summary>
    public double FailureRate => Total.FailureRate;

    /// <summary>The counters of <paramref name="service"/>, zero when it was never called.</summary>
    public ServiceCallCounts For(string service) =>
        Services.TryGetValue(service, out var counts) ? counts : ServiceCallCounts.Empty;
}
