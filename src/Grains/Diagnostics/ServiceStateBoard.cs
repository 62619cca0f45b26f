using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using TradingAgents.Actors.Discovery;

namespace TradingAgents.Actors.Diagnostics;

/// <summary>
/// The latest snapshot of every service grain active in this silo, for gauges and pages that must
/// not call grains. A grain publishes when membership, breaker or health state changes, and
/// withdraws on deactivation; a service is active in one silo, so the fleet's series do not overlap.
/// </summary>
public sealed class ServiceStateBoard
{
    internal static readonly Func<ServiceSnapshot, long> HealthyInstances =
        s => s.Instances.Count(i => i.Health != HealthState.Unhealthy && i.Conditions.IsUsable);

    internal static readonly Func<ServiceSnapshot, long> SelectableInstances =
        s => s.Instances.Count(i => i.Selectable && i.Conditions.Ready);

    internal static readonly Func<ServiceSnapshot, long> PanicMode = s => (long)s.Panic;

    internal static readonly Func<ServiceSnapshot, long> EjectedInstances = s => s.EjectedInstances;

    internal static readonly Func<ServiceSnapshot, long> RampingInstances = s => s.Instances.Count(i => i.SlowStartPercent is not null);

    private readonly ConcurrentDictionary<string, ServiceSnapshot> _services = new(StringComparer.Ordinal);

    /// <summary>Every published snapshot.</summary>
    public IReadOnlyCollection<ServiceSnapshot> Services => (IReadOnlyCollection<ServiceSnapshot>)_services.Values;

    public void Publish(ServiceSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        _services[snapshot.Service] = snapshot;
    }

    public void Withdraw(string service) => _services.TryRemove(service, out _);

    internal IEnumerable<Measurement<long>> Observe(Func<ServiceSnapshot, long> count) =>
        _services.Values.Select(s => new Measurement<long>(count(s), new KeyValuePair<string, object?>("service", s.Service)));

    internal IEnumerable<Measurement<int>> ObserveCircuits() =>
        _services.Values.SelectMany(s => s.Instances.Select(i => new Measurement<int>(
            (int)i.Circuit,
            new KeyValuePair<string, object?>("service", s.Service),
            new KeyValuePair<string, object?>("instance", i.InstanceId))));

    internal IEnumerable<Measurement<double>> ObserveSyncAge(DateTimeOffset now) =>
        _services.Values.SelectMany(s => s.Sources.Select(source => new Measurement<double>(
            Math.Max(0, (now - source.LastSyncedAt).TotalSeconds),
            new KeyValuePair<string, object?>("service", s.Service),
            new KeyValuePair<string, object?>("source", source.Source))));
}
