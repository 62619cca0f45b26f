namespace TradingAgents.Actors.Client.Metrics;

/// <summary>Call counters of one service, or of all services together.</summary>
/// <param name="DiscoveryCalls">Selections asked of the service grains.</param>
/// <param name="ServiceCalls">Logical calls (a call and its retries count once).</param>
/// <param name="Failures">Logical calls whose last attempt failed (no response, timeout or 5xx).</param>
/// <param name="Retries">Attempts after the first one.</param>
public sealed record ServiceCallCounts(long DiscoveryCalls, long ServiceCalls, long Failures, long Retries)
{
    /// <summary>Counts with nothing recorded.</summary>
    public static ServiceCallCounts Empty { get; } = new(0, 0, 0, 0);

    /// <summary><see cref="Failures"/> / max(1, <see cref="ServiceCalls"/>), as the seed's <c>get_metrics</c>.</summary>
    public double FailureRate => (double)Failures / Math.Max(1, ServiceCalls);
}
