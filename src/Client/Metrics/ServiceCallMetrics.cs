using System.Collections.Concurrent;
using System.Collections.Frozen;

namespace TradingAgents.Actors.Client.Metrics;

/// <summary>
/// In-process call counters per service, the seed's <c>metrics</c> dictionary made thread-safe. One
/// instance per client (a DI singleton); <see cref="Snapshot"/> copies them. Exported metrics go
/// through <see cref="ClientInstruments"/> instead.
/// </summary>
public sealed class ServiceCallMetrics
{
    private readonly ConcurrentDictionary<string, Counters> _services = new(StringComparer.Ordinal);

    /// <summary>A copy of every counter; each service's four counters are read one after another, not atomically.</summary>
    public ServiceCallMetricsSnapshot Snapshot()
    {
        var services = _services.ToFrozenDictionary(
            pair => pair.Key,
            pair => pair.Value.ToCounts(),
            StringComparer.Ordinal);
        var total = services.Values.Aggregate(
            ServiceCallCounts.Empty,
            (sum, c) => new ServiceCallCounts(
                sum.DiscoveryCalls + c.DiscoveryCalls,
                sum.ServiceCalls + c.ServiceCalls,
                sum.Failures + c.Failures,
                sum.Retries + c.Retries));
        return new ServiceCallMetricsSnapshot(total, services);
    }

    internal void RecordDiscoveryCall(string service) => Interlocked.Increment(ref Get(service).DiscoveryCalls);

    internal void RecordServiceCall(string service) => Interlocked.Increment(ref Get(service).ServiceCalls);

    internal void RecordRetry(string service) => Interlocked.Increment(ref Get(service).Retries);

    internal void RecordFailure(string service) => Interlocked.Increment(ref Get(service).Failures);

    // A retry that succeeds after a failed attempt takes the failure back, so that a logical call
    // counts as failed only when its last attempt failed, whichever retry handler drives the attempts.
    internal void RevokeFailure(string service) => Interlocked.Decrement(ref Get(service).Failures);

    private Counters Get(string service) => _services.GetOrAdd(service, static _ => new Counters());

    private sealed class Counters
    {
        // Fields so that Interlocked can update them in place.
        public long DiscoveryCalls;
        public long ServiceCalls;
        public long Failures;
        public long Retries;

        public ServiceCallCounts ToCounts() => new(
            Interlocked.Read(ref DiscoveryCalls),
            Interlocked.Read(ref ServiceCalls),
            Interlocked.Read(ref Failures),
            Interlocked.Read(ref Retries));
    }
}
