using System.Diagnostics.Metrics;
using TradingAgents.Actors.Discovery;

namespace TradingAgents.Actors.Diagnostics;

/// <summary>
/// The grains' instruments, on the product's one meter. Counters are recorded where things happen;
/// gauges read the <see cref="ServiceStateBoard"/> that service grains keep current, so that a
/// scrape never calls a grain. Names are the Prometheus names without the exporter's suffixes
/// (<c>_total</c> on counters).
/// </summary>
public sealed class DiscoveryInstruments
{
    /// <summary>Name of the product's meter.</summary>
    public const string MeterName = "TradingAgents.Actors";

    private readonly ForgettableCounter _selections;
    private readonly ForgettableCounter _selectionFailures;
    private readonly ForgettableCounter _healthChecks;
    private readonly ForgettableCounter _ejectionsCapped;
    private readonly ForgettableCounter _quorumHolds;
    private readonly SlidingRatioWindow _lookups;

    public DiscoveryInstruments(IMeterFactory meterFactory, ServiceStateBoard board, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(board);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var meter = meterFactory.Create(MeterName);
        _lookups = new SlidingRatioWindow(timeProvider, SlidingRatioWindow.DefaultLength);
        _selections = new ForgettableCounter(meter, "service_selections", "{selection}", "Selections answered with an endpoint, per instance.", "detail");
        _selectionFailures = new ForgettableCounter(meter, "service_selection_failures", "{selection}", "Selections answered without an endpoint, by status.", "status");
        _healthChecks = new ForgettableCounter(meter, "service_health_checks", "{probe}", "Active health probes, by result.", "result");
        _ejectionsCapped = new ForgettableCounter(meter, "service_ejections_capped", "{instance}",
            "Instances kept routable by max_ejection_percent although their breaker or health checks would take them out (counted when the cap starts keeping each).", "detail");
        _quorumHolds = new ForgettableCounter(meter, "circuit_breaker_quorum_holds", "{failure}",
            "Failures that would have opened the circuit but too few reporters were failing (circuit_breaker.quorum).", "detail");
        meter.CreateObservableGauge("service_panic_mode", () => board.Observe(ServiceStateBoard.PanicMode), null,
            "Panic state per service: 0 none, 1 routing to every instance not known dead (route_all), 2 failing fast (fail_fast).");
        meter.CreateObservableGauge("service_instances_ejected", () => board.Observe(ServiceStateBoard.EjectedInstances), "{instance}",
            "Ready instances that circuit breakers or health checks would take out of traffic.");
        meter.CreateObservableGauge("service_instances_slow_start", () => board.Observe(ServiceStateBoard.RampingInstances), "{instance}",
            "Instances ramping up under slow_start when the service grain last published (new, or back from an open circuit).");
        meter.CreateObservableGauge("service_instances_healthy", () => board.Observe(ServiceStateBoard.HealthyInstances), "{instance}",
            "Instances whose last health checks passed (or that are not probed yet).");
        meter.CreateObservableGauge("service_instances_selectable", () => board.Observe(ServiceStateBoard.SelectableInstances), "{instance}",
            "Instances that may take ordinary traffic now.");
        meter.CreateObservableGauge("circuit_breaker_state", board.ObserveCircuits, null,
            "Circuit state per instance: 0 closed, 1 half-open, 2 open.");
        meter.CreateObservableGauge("service_discovery_cache_hit_rate", () => ObserveCacheHitRate(_lookups), null,
            "Share of selections in the last 60 s answered from the service grain's in-memory state, without a grain call or activation.");
        meter.CreateObservableGauge("endpoint_sync_age_seconds", () => board.ObserveSyncAge(timeProvider.GetUtcNow()), "s",
            "Seconds since each source last confirmed a service's endpoints.");
    }

    /// <summary>
    /// One selection on a known service was answered. <paramref name="fromMemory"/> is false when it
    /// needed a grain-to-grain call (a half-open trial lease) or was the first on a fresh activation,
    /// whose state was just rebuilt from the instance grains.
    /// </summary>
    public void SelectionAnswered(string service, bool fromMemory) => _lookups.Record(service, fromMemory);

    public void Selected(string service, string instanceId) => _selections.Add(service, instanceId, detail: null);

    public void SelectionFailed(string service, SelectionStatus status) => _selectionFailures.Add(service, instance: null, status.ToString());

    /// <summary>The ejection cap started keeping <paramref name="count"/> more instances of <paramref name="service"/> routable.</summary>
    public void EjectionsCapped(string service, int count)
    {
        for (var i = 0; i < count; i++)
        {
            _ejectionsCapped.Add(service, instance: null, detail: null);
        }
    }

    /// <summary>The breaker of one instance held back <paramref name="count"/> openings for lack of a quorum of failing reporters.</summary>
    public void BreakerQuorumHeld(string service, string instanceId, long count)
    {
        for (var i = 0; i < count; i++)
        {
            _quorumHolds.Add(service, instanceId, detail: null);
        }
    }

    public void HealthChecked(string service, string instanceId, bool success) =>
        _healthChecks.Add(service, instanceId, success ? "success" : "failure");

    /// <summary>Series held by this silo's per-instance and per-service counters, for tests of churn.</summary>
    internal int SeriesCount => _selections.Count + _selectionFailures.Count + _healthChecks.Count;

    /// <summary>The instance left its service: its counter series go (their last values are in the time-series database).</summary>
    public void ForgetInstance(string service, string instanceId)
    {
        _selections.Forget(service, instanceId);
        _healthChecks.Forget(service, instanceId);
        _quorumHolds.Forget(service, instanceId);
    }

    /// <summary>The service is gone (not configured, no source lists it): every series of it goes.</summary>
    public void ForgetService(string service)
    {
        _selections.Forget(service, instance: null);
        _selectionFailures.Forget(service, instance: null);
        _healthChecks.Forget(service, instance: null);
        _ejectionsCapped.Forget(service, instance: null);
        _quorumHolds.Forget(service, instance: null);
        _lookups.Remove(service);
    }

    private static IEnumerable<Measurement<double>> ObserveCacheHitRate(SlidingRatioWindow window)
    {
        // A service without selections in the window has no rate; its series goes stale rather than reading 0 or 1.
        foreach (var (service, counts) in window.ReadAll())
        {
            if (counts.Ratio is { } ratio)
            {
                yield return new Measurement<double>(ratio, new KeyValuePair<string, object?>("service", service));
            }
        }
    }
}
