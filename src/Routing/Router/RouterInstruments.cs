using System.Diagnostics.Metrics;

namespace TradingAgents.Actors.Routing;

/// <summary>
/// The routers' instruments, on the product's one meter: how old each router's snapshot is, how often
/// the control plane could not be reached, and how often a version check found a snapshot that the
/// pushes had missed.
/// </summary>
public sealed class RouterInstruments
{
    /// <summary>The one meter of TradingAgents.Actors.</summary>
    public const string MeterName = "TradingAgents.Actors";

    private readonly Counter<long> _controlPlaneErrors;
    private readonly Counter<long> _snapshotsMissed;
    private readonly Counter<long> _retryDecisions;

    /// <summary>Creates the instruments; the age gauge reads <paramref name="routers"/>.</summary>
    public RouterInstruments(IMeterFactory meterFactory, Func<IEnumerable<ServiceRouter>> routers)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(routers);
        var meter = meterFactory.Create(MeterName);
        _controlPlaneErrors = meter.CreateCounter<long>("service_router_control_plane_errors", "{error}",
            "Version checks and subscriptions of a router that failed (service grain or its silo unreachable).");
        _snapshotsMissed = meter.CreateCounter<long>("service_router_snapshots_missed", "{snapshot}",
            "Snapshots a router found by its periodic version check rather than by a push.");
        meter.CreateObservableGauge("service_router_snapshot_age_seconds", () => ObserveAges(routers()), "s",
            "Seconds since the control plane last confirmed this process's routing snapshot of a service.");
        _retryDecisions = meter.CreateCounter<long>("service_retry_budget_retries", "{retry}",
            "Retries this process asked the service's fleet-wide retry budget for, by decision (allowed, refused).");
        meter.CreateObservableGauge("service_retry_budget_remaining", () => ObserveBudgets(routers()), "{retry}",
            "Retries this process may still send to a service under its retry budget (mode: fleet = allowance from the service grain, local = fallback).");
    }

    internal void ControlPlaneError(string service) => _controlPlaneErrors.Add(1, new KeyValuePair<string, object?>("service", service));

    internal void SnapshotMissed(string service, bool hadSnapshot)
    {
        if (hadSnapshot)
        {
            _snapshotsMissed.Add(1, new KeyValuePair<string, object?>("service", service));
        }
    }

    internal void RetryDecided(string service, bool allowed) =>
        _retryDecisions.Add(1, new KeyValuePair<string, object?>("service", service), new KeyValuePair<string, object?>("decision", allowed ? "allowed" : "refused"));

    private static IEnumerable<Measurement<double>> ObserveBudgets(IEnumerable<ServiceRouter> routers)
    {
        foreach (var router in routers)
        {
            var budget = router.RetryBudget;
            if (budget.Enabled)
            {
                yield return new Measurement<double>(budget.Remaining, new KeyValuePair<string, object?>("service", router.Service), new KeyValuePair<string, object?>("mode", budget.Mode));
            }
        }
    }

    private static IEnumerable<Measurement<double>> ObserveAges(IEnumerable<ServiceRouter> routers)
    {
        foreach (var router in routers)
        {
            if (router.SnapshotAge is { } age)
            {
                yield return new Measurement<double>(age.TotalSeconds, new KeyValuePair<string, object?>("service", router.Service));
            }
        }
    }
}
