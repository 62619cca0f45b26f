using System.Diagnostics.Metrics;

namespace TradingAgents.Actors.Routing;

/// <summary>
/// The routers' instruments, on the product's one meter: how old each router's snapshot is, how often
/// the control plane could not be reached, how often a version check found a snapshot that the
/// pushes had missed, and how each instance's calls from this process ended.
/// </summary>
/// <remarks>
/// Per-instance series are observable: they read the routers' current tables, so an instance that leaves a
/// service (a pod replaced in a rollout) leaves the export with it. A <see cref="Counter{T}"/> or
/// <see cref="Histogram{T}"/> with an instance tag would keep every pod the process ever called until it
/// restarts, growing the exporter and Prometheus with every deployment.
/// </remarks>
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
        meter.CreateObservableCounter("service_router_backpressure", () => ObserveBackpressure(routers()), "{call}",
            "Attempts an instance answered with backpressure (429, or 503 with Retry-After): neither a success nor a failure.");
        meter.CreateObservableCounter("service_router_calls", () => ObserveCalls(routers()), "{call}",
            "Calls this process made to each instance, by outcome (success, failure, backpressure, cancelled), while the instance is in its routing table.");
        meter.CreateObservableGauge("service_router_snapshot_age_seconds", () => ObserveAges(routers()), "s",
            "Seconds since the control plane last confirmed this process's routing snapshot of a service.");
        _retryDecisions = meter.CreateCounter<long>("service_retry_budget_retries", "{retry}",
            "Retries this process asked the service's fleet-wide retry budget for, by decision (allowed, refused).");
        meter.CreateObservableCounter("service_router_zone_picks", () => ObserveZonePicks(routers()), "{call}",
            "Calls this process admitted per service and instance zone (local = the process's own zone).");
        meter.CreateObservableGauge("service_router_zone_spilled", () => ObserveSpills(routers()), "{state}",
            "1 while this process routes a service to every zone although it knows its zone or node (the local set lacks selectable capacity), else 0.");
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

    private static readonly (OutcomeKind Kind, string Tag)[] Outcomes =
        [(OutcomeKind.Success, "success"), (OutcomeKind.Failure, "failure"), (OutcomeKind.Backpressure, "backpressure"), (OutcomeKind.Cancelled, "cancelled")];

    /// <summary>Non-zero counts of finished calls per service, instance and outcome, in one pass over the routers' current tables.</summary>
    private static IEnumerable<Measurement<long>> ObserveCalls(IEnumerable<ServiceRouter> routers)
    {
        foreach (var router in routers)
        {
            foreach (var endpoint in router.Table.All)
            {
                foreach (var (kind, tag) in Outcomes)
                {
                    if (endpoint.Load.FinishedWith(kind) is var count and > 0)
                    {
                        yield return new Measurement<long>(count,
                            new KeyValuePair<string, object?>("service", router.Service),
                            new KeyValuePair<string, object?>("instance", endpoint.InstanceId),
                            new KeyValuePair<string, object?>("outcome", tag));
                    }
                }
            }
        }
    }

    /// <summary>Non-zero counts of backpressure answers per service and instance in the routers' current tables.</summary>
    private static IEnumerable<Measurement<long>> ObserveBackpressure(IEnumerable<ServiceRouter> routers)
    {
        foreach (var router in routers)
        {
            foreach (var endpoint in router.Table.All)
            {
                if (endpoint.Load.FinishedWith(OutcomeKind.Backpressure) is var count and > 0)
                {
                    yield return new Measurement<long>(count,
                        new KeyValuePair<string, object?>("service", router.Service),
                        new KeyValuePair<string, object?>("instance", endpoint.InstanceId));
                }
            }
        }
    }

    private static IEnumerable<Measurement<long>> ObserveZonePicks(IEnumerable<ServiceRouter> routers)
    {
        foreach (var router in routers)
        {
            var own = router.Locality.Zone;
            foreach (var (zone, picks) in router.PicksByZone)
            {
                yield return new Measurement<long>(picks,
                    new KeyValuePair<string, object?>("service", router.Service),
                    new KeyValuePair<string, object?>("zone", zone),
                    new KeyValuePair<string, object?>("local", own is not null && string.Equals(zone, own, StringComparison.Ordinal) ? "true" : "false"));
            }
        }
    }

    private static IEnumerable<Measurement<int>> ObserveSpills(IEnumerable<ServiceRouter> routers)
    {
        foreach (var router in routers)
        {
            if (router.Locality.Zone is not null || router.Locality.Node is not null)
            {
                yield return new Measurement<int>(router.LocalityDecision.Tier == LocalityTier.All ? 1 : 0, new KeyValuePair<string, object?>("service", router.Service));
            }
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
