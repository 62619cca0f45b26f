using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Utilities;
using TradingAgents.Actors.Capacity;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Diagnostics;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.LoadBalancing;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Grains;

/// <summary>
/// One logical service, the control plane of its routing: the union of its sources' endpoint sets, the
/// mirrored state of each endpoint's instance grain, and the one decision of which instances may take
/// traffic. It publishes that as a versioned <see cref="RoutingSnapshot"/> to every subscribed router
/// (coalesced: availability changes within <see cref="StructuralCoalesce"/>, statistics at most once per
/// <see cref="StatisticsInterval"/>). Requests are routed by the routers, never through this grain.
/// </summary>
internal sealed partial class ServiceGrain(
    EndpointCatalog catalog,
    ServiceStateBoard board,
    DiscoveryInstruments instruments,
    IOptionsMonitor<ServiceDiscoveryOptions> options,
    TimeProvider timeProvider,
    ILogger<ServiceGrain> logger) : Grain, IServiceGrain
{
    /// <summary>How long a change that moves traffic (membership, availability) waits for others to join it.</summary>
    internal static readonly TimeSpan StructuralCoalesce = TimeSpan.FromMilliseconds(10);

    /// <summary>How often latency and failure statistics alone are republished.</summary>
    internal static readonly TimeSpan StatisticsInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often the grain compares the settings its routing snapshot was built with (algorithm, fleet
    /// controls) with the configuration in force, so that a hot reload reaches the routers within this
    /// time even when nothing else about the service changes.
    /// </summary>
    internal static readonly TimeSpan SettingsCheckInterval = TimeSpan.FromSeconds(1);

    /// <summary>A router that has not refreshed its subscription for this long is dropped (routers refresh every few seconds).</summary>
    internal static readonly TimeSpan SubscriptionExpiry = TimeSpan.FromSeconds(60);

    /// <summary>The reporter name of one-off selections' trial leases.</summary>
    internal const string OneOffReporter = "service-grain-select";

    private readonly Dictionary<string, EndpointSetUpdate> _sources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InstanceEntry> _instances = new(StringComparer.Ordinal);
    private readonly Guid _epoch = Guid.NewGuid();
    private InstanceEntry[] _ordered = [];
    private ObserverManager<IRoutingObserver>? _routers;
    private ILoadBalancingPolicy? _policy;
    private IGrainTimer? _refreshTimer;
    private IGrainTimer? _publishTimer;
    private IGrainTimer? _settingsTimer;
    private ServiceSettings? _settingsInForce;
    private DateTimeOffset _publishDueAt = DateTimeOffset.MaxValue;
    private RoutingSnapshot? _routing;
    private CapacityPlan? _plan;
    private RouteTable? _table;
    private long _version;
    private bool _known;
    private bool _hydrated;
    private long _selectionsServed;
    private string? _service;

    private string Service => _service ??= this.GetPrimaryKeyString();

    private ObserverManager<IRoutingObserver> Routers => _routers ??= new(SubscriptionExpiry, logger);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A name nobody configured or discovered must not leave an activation behind: the first
        // call on it answers UnknownService and deactivates the grain.
        _known = catalog.IsKnown(Service);
        if (!_known)
        {
            return;
        }

        foreach (var set in catalog.GetSets(Service))
        {
            _sources[set.Source] = set;
        }

        await ReconcileInstancesAsync().ConfigureAwait(true);
        EnsureRefreshTimer();
    }

    /// <summary>
    /// Starts the periodic refresh once the service is known, whether that was at activation or at the
    /// first update. Instance grains live on other silos too; if one of those dies, its endpoint must get a
    /// prober again. Re-configuring is idempotent, never waits on a probe, and refreshes the mirrored state.
    /// </summary>
    private void EnsureRefreshTimer()
    {
        if (_refreshTimer is not null)
        {
            return;
        }

        var period = options.CurrentValue.CacheTtl;
        _refreshTimer = this.RegisterGrainTimer(
            static (grain, _) => grain.RefreshInstancesAsync(),
            this,
            new GrainTimerCreationOptions { DueTime = period, Period = period, Interleave = true, KeepAlive = false });
        _settingsTimer = this.RegisterGrainTimer(
            static grain => grain.ApplyReloadedSettings(),
            this,
            new GrainTimerCreationOptions { DueTime = SettingsCheckInterval, Period = SettingsCheckInterval, KeepAlive = false });
    }

    public async ValueTask<Selection> SelectAsync(SelectionRequest? request = null)
    {
        if (!_known)
        {
            DeactivateOnIdle();
            return Fail(SelectionStatus.UnknownService, $"Service '{Service}' is neither configured nor discovered.");
        }

        if (_ordered.Length == 0)
        {
            return Fail(SelectionStatus.NoEndpoints, $"Service '{Service}' is known but no source lists any endpoint for it.");
        }

        var table = CurrentTable();
        var excluded = request?.ExcludedInstanceIds ?? default;

        // The first selection of an activation waited for the state to be rebuilt from the instance
        // grains, and a trial lease is a grain call: both are cache misses.
        var fromMemory = _hydrated;
        _hydrated = true;

        // A half-open instance only recovers if it gets its trial calls, so they go first, leased from
        // the instance grain to stay within the fleet-wide limit.
        var inspect = request?.Inspect == true;
        foreach (var trial in inspect ? [] : table.TrialOnly)
        {
            if (IsExcluded(excluded, trial.InstanceId))
            {
                continue;
            }

            fromMemory = false;
            var grant = await GrainFactory.GetGrain<IInstanceGrain>(InstanceKey.Format(Service, trial.InstanceId))
                .AcquireTrialLeasesAsync(OneOffReporter, 1).ConfigureAwait(true);
            if (!grant.LeaseIds.IsDefaultOrEmpty && _instances.ContainsKey(trial.InstanceId))
            {
                instruments.SelectionAnswered(Service, fromMemory);
                return Select(trial.Instance, grant.Generation, grant.LeaseIds[0]);
            }
        }

        instruments.SelectionAnswered(Service, fromMemory);

        var policy = Policy();
        var zone = request?.PreferredZone;
        var filter = new SelectFilter(excluded, null);
        if (zone is not null)
        {
            // The routers' zone affinity (one rule for gateway, client and grain): the zone while it has enough selectable capacity.
            var plan = table.PlanFor(zone, null, options.CurrentValue.ZoneAffinity);
            if (plan.ZonePasses && RoutePicker.PickFrom(plan.ZoneCandidates, policy, ref filter) is { } local)
            {
                return Select(local.Instance, local.Instance.BreakerGeneration, 0);
            }
        }

        if (RoutePicker.PickOrdinary(table, policy, ref filter) is { } picked)
        {
            return inspect ? Selection.Of(ToSelected(picked.Instance, picked.Instance.BreakerGeneration, 0)) : Select(picked.Instance, picked.Instance.BreakerGeneration, 0);
        }

        return Fail(SelectionStatus.NoneSelectable, table.DescribeNoneSelectable(e => IsExcluded(excluded, e.InstanceId) ? "already tried" : null));
    }

    public async ValueTask<ApplyResult> ApplyEndpointsAsync(EndpointSetUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        _known = true;
        EnsureRefreshTimer();
        if (_sources.TryGetValue(update.Source, out var held))
        {
            var order = EndpointSetOrder.Compare(update, held);
            if (order < 0)
            {
                return ApplyResult.Stale;
            }

            if (order == 0)
            {
                if (update.SyncedAt > held.SyncedAt)
                {
                    _sources[update.Source] = held with { SyncedAt = update.SyncedAt };
                    board.Publish(BuildSnapshot());
                }

                DeactivateIfGone();
                return ApplyResult.AlreadyCurrent;
            }
        }

        _sources[update.Source] = update;
        await ReconcileInstancesAsync().ConfigureAwait(true);
        DeactivateIfGone();
        return ApplyResult.Applied;
    }

    /// <summary>
    /// Not configured, no source lists an endpoint and a source withdrew the service (its Kubernetes
    /// Service was deleted): the catalog forgets it, and this activation must not outlive it (a later
    /// update or call activates it again). A service scaled to zero is not gone.
    /// </summary>
    private void DeactivateIfGone()
    {
        if (_ordered.Length == 0 && !options.CurrentValue.Services.ContainsKey(Service) && EndpointSetOrder.IsGone(_sources.Values))
        {
            instruments.ForgetService(Service);
            DeactivateOnIdle();
        }
    }

    public ValueTask<ServiceSnapshot> GetSnapshotAsync()
    {
        if (!_known)
        {
            DeactivateOnIdle();
        }

        return ValueTask.FromResult(BuildSnapshot());
    }

    public ValueTask<RoutingSnapshot?> SubscribeAsync(IRoutingObserver observer, Guid epoch, long version)
    {
        ArgumentNullException.ThrowIfNull(observer);
        if (!_known)
        {
            // Nothing to route: do not keep the activation (or the subscriber) for a name nobody knows.
            DeactivateOnIdle();
            return ValueTask.FromResult<RoutingSnapshot?>(CurrentRouting());
        }

        Routers.Subscribe(observer, observer);
        var current = CurrentRouting();
        return ValueTask.FromResult(epoch == current.Epoch && version == current.Version ? null : current);
    }

    public ValueTask UnsubscribeAsync(IRoutingObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        Routers.Unsubscribe(observer);
        return ValueTask.CompletedTask;
    }

    public ValueTask<RoutingSnapshot> GetRoutingSnapshotAsync()
    {
        if (!_known)
        {
            DeactivateOnIdle();
        }

        return ValueTask.FromResult(CurrentRouting());
    }

    public ValueTask OnInstanceChangedAsync(InstanceStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (_instances.TryGetValue(status.InstanceId, out var entry))
        {
            Apply(entry, status);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Takes an instance grain's status, whichever way it came (its one-way news or this grain's own
    /// refresh), logs a change of availability once, and publishes when anything routers use changed.
    /// </summary>
    private void Apply(InstanceEntry entry, InstanceStatus status)
    {
        var now = timeProvider.GetUtcNow();
        var known = entry.Status is not null;
        var before = entry.Decide(now);
        var (circuit, health) = (entry.Circuit, entry.Health);
        if (!entry.Apply(status))
        {
            return;
        }

        var after = entry.Decide(now);
        if (before != after && known)
        {
            if (circuit == CircuitState.HalfOpen && entry.Circuit == CircuitState.HalfOpen)
            {
                // Trial leases taken and returned within one half-open period: routine while trials run
                // (or hang), so it does not repeat at Information every few seconds. The circuit's own
                // transitions are logged when they happen.
                LogTrialAvailabilityChanged(logger, Service, status.InstanceId, after.Availability, after.Reason ?? "-");
            }
            else
            {
                LogAvailabilityChanged(logger, Service, status.InstanceId, after.Availability, after.Reason ?? "in service", status.LastChangeReason ?? "none given");
            }
        }

        Changed(structural: before != after || circuit != entry.Circuit || health != entry.Health);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _refreshTimer?.Dispose();
        _publishTimer?.Dispose();
        _settingsTimer?.Dispose();
        board.Withdraw(Service);
        return Task.CompletedTask;
    }

    private Selection Fail(SelectionStatus status, string reason)
    {
        instruments.SelectionFailed(Service, status);
        return Selection.Failed(status, reason);
    }

    private Selection Select(RoutingInstance instance, long generation, long leaseId)
    {
        if (_instances.TryGetValue(instance.InstanceId, out var entry))
        {
            entry.SelectionsServed++;
        }

        _selectionsServed++;
        instruments.Selected(Service, instance.InstanceId);
        return Selection.Of(ToSelected(instance, generation, leaseId));
    }

    private SelectedEndpoint ToSelected(RoutingInstance instance, long generation, long leaseId) =>
        new(Service, instance.InstanceId, instance.Host, instance.Port, instance.Zone, instance.NodeName, IsTrial: leaseId != 0, generation, leaseId);

    private static bool IsExcluded(ImmutableArray<string> excluded, string instanceId) =>
        !excluded.IsDefaultOrEmpty && excluded.Contains(instanceId, StringComparer.Ordinal);

    private ILoadBalancingPolicy Policy()
    {
        var algorithm = options.CurrentValue.GetAlgorithm(Service);
        if (_policy is null || !string.Equals(_policy.Name, algorithm, StringComparison.Ordinal))
        {
            _policy = LoadBalancingPolicyFactory.Create(algorithm, Random.Shared);
        }

        return _policy;
    }

    /// <summary>Records a change: a new version now, a publish to the routers soon.</summary>
    private void Changed(bool structural)
    {
        _version++;
        _routing = null;
        _plan = null;
        if (structural)
        {
            // This silo's gauges and status page see a change that moves traffic at once.
            board.Publish(BuildSnapshot());
        }

        var due = timeProvider.GetUtcNow() + (structural ? StructuralCoalesce : StatisticsInterval);
        SchedulePublish(due);
    }

    private void SchedulePublish(DateTimeOffset due)
    {
        if (due >= _publishDueAt)
        {
            return;
        }

        _publishDueAt = due;
        _publishTimer?.Dispose();
        var dueIn = due - timeProvider.GetUtcNow();
        _publishTimer = this.RegisterGrainTimer(
            static (grain, _) => grain.PublishAsync(),
            this,
            new GrainTimerCreationOptions { DueTime = dueIn < TimeSpan.Zero ? TimeSpan.Zero : dueIn, Period = Timeout.InfiniteTimeSpan, Interleave = true, KeepAlive = false });
    }

    /// <summary>Sends the current snapshot to every router (one-way) and to this silo's state board.</summary>
    private Task PublishAsync()
    {
        _publishTimer?.Dispose();
        _publishTimer = null;
        _publishDueAt = DateTimeOffset.MaxValue;
        var snapshot = CurrentRouting();
        if (_routers is { Count: > 0 } routers)
        {
            routers.Notify(router => router.OnSnapshot(snapshot));
        }

        LogPublished(logger, Service, snapshot.Version, _routers?.Count ?? 0);

        board.Publish(BuildSnapshot());

        // Backpressure ends by time alone: publish again when the earliest window closes.
        var now = timeProvider.GetUtcNow();
        var nextEnd = _ordered
            .Select(e => e.Status?.BackoffUntil)
            .Where(until => until > now)
            .Min();
        if (nextEnd is { } end)
        {
            _version++;
            _routing = null;
            _plan = null;
            SchedulePublish(end);
        }

        return Task.CompletedTask;
    }

    private RoutingSnapshot CurrentRouting()
    {
        if (_routing is { } routing)
        {
            return routing;
        }

        var now = timeProvider.GetUtcNow();
        var algorithm = _known ? options.CurrentValue.GetAlgorithm(Service) : string.Empty;
        _settingsInForce = _known ? ReadSettings() : null;
        routing = !_known
            ? new RoutingSnapshot(Service, _epoch, _version, SelectionStatus.UnknownService, algorithm, now, [], $"Service '{Service}' is neither configured nor discovered.")
            : _ordered.Length == 0
                ? new RoutingSnapshot(Service, _epoch, _version, SelectionStatus.NoEndpoints, algorithm, now, [], $"Service '{Service}' is known but no source lists any endpoint for it.")
                : WithPanic(new RoutingSnapshot(Service, _epoch, _version, SelectionStatus.Selected, algorithm, now, RoutingInstances(now), null));
        _routing = routing;
        return routing;
    }

    private RouteTable CurrentTable()
    {
        var routing = CurrentRouting();
        if (_table is null || !ReferenceEquals(_table.Snapshot, routing))
        {
            _table = RouteTable.Build(routing, _table, timeProvider);
        }

        return _table;
    }

    private ServiceSnapshot BuildSnapshot()
    {
        var now = timeProvider.GetUtcNow();
        var sources = _sources.Values
            .OrderBy(s => s.Source, StringComparer.Ordinal)
            .Select(s => new SourceSync(s.Source, s.Version, s.Endpoints.Length, s.SyncedAt, Math.Max(0, (now - s.SyncedAt).TotalSeconds), s.Generation, s.Problem))
            .ToList();
        var plan = CurrentPlan(now);
        var instances = _ordered.Select((e, i) => ToSnapshot(e, now, plan.Decisions[i])).ToList();
        var algorithm = _known ? options.CurrentValue.GetAlgorithm(Service) : string.Empty;
        return WithCapacity(new ServiceSnapshot(Service, _known, algorithm, now, sources, instances, _selectionsServed) { RetryBudget = DescribeRetryBudget() }, plan);
    }

    /// <summary>Rebuilds the union of all sources and brings instance grains in line with it.</summary>
    private async Task ReconcileInstancesAsync()
    {
        var union = new Dictionary<string, (ServiceEndpoint Endpoint, List<string> Sources)>(StringComparer.Ordinal);
        foreach (var set in _sources.Values.OrderBy(s => s.Source, StringComparer.Ordinal))
        {
            foreach (var endpoint in set.Endpoints)
            {
                if (union.TryGetValue(endpoint.InstanceId, out var existing))
                {
                    existing.Sources.Add(set.Source);

                    // The same address from two sources: the more usable conditions win.
                    if (Rank(endpoint.Conditions) > Rank(existing.Endpoint.Conditions))
                    {
                        union[endpoint.InstanceId] = (endpoint, existing.Sources);
                    }
                }
                else
                {
                    union[endpoint.InstanceId] = (endpoint, [set.Source]);
                }
            }
        }

        var removed = _instances.Keys.Where(id => !union.ContainsKey(id)).ToList();
        var changed = new List<InstanceEntry>();
        foreach (var id in removed)
        {
            _instances.Remove(id);
            instruments.ForgetInstance(Service, id);
        }

        foreach (var (id, (endpoint, sources)) in union)
        {
            if (_instances.TryGetValue(id, out var entry))
            {
                entry.Sources = sources;
                if (entry.Endpoint != endpoint)
                {
                    entry.Endpoint = endpoint;
                    changed.Add(entry);
                }
            }
            else
            {
                entry = new InstanceEntry(endpoint, sources);
                _instances[id] = entry;
                changed.Add(entry);
            }
        }

        _ordered = [.. _instances.Values.OrderBy(e => e.InstanceId, StringComparer.Ordinal)];

        // Removed endpoints leave the routers' tables with this publish, before any grain call below.
        Changed(structural: true);

        // The grain calls below only start or stop probing; instance grains answer at once (no probe
        // ever holds their turn).
        var work = new List<Task>(removed.Count + changed.Count);
        work.AddRange(removed.Select(id => GrainFactory.GetGrain<IInstanceGrain>(InstanceKey.Format(Service, id)).RetireAsync().AsTask()));
        work.AddRange(changed.Select(ConfigureInstanceAsync));
        await Task.WhenAll(work).ConfigureAwait(true);
        if (removed.Count > 0 || changed.Count > 0)
        {
            LogInstancesReconciled(logger, Service, _ordered.Length, changed.Count, removed.Count);
        }
    }

    private async Task ConfigureInstanceAsync(InstanceEntry entry)
    {
        var status = await GrainFactory.GetGrain<IInstanceGrain>(InstanceKey.Format(Service, entry.InstanceId))
            .ConfigureAsync(entry.Endpoint).ConfigureAwait(true);
        if (_instances.TryGetValue(entry.InstanceId, out var current) && ReferenceEquals(current, entry))
        {
            Apply(entry, status);
        }
    }

    private async Task RefreshInstancesAsync()
    {
        Routers.ClearExpired();
        try
        {
            await Task.WhenAll(_ordered.Select(ConfigureInstanceAsync)).ConfigureAwait(true);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A silo that hosts some instance grains is going away; the next refresh places them again.
            LogRefreshFailed(logger, Service, ex.GetBaseException().Message);
        }
    }

    private ServiceSettings ReadSettings() => new(options.CurrentValue.GetAlgorithm(Service), Controls);

    /// <summary>A hot reload changed this service's algorithm or fleet controls: rebuild and publish now.</summary>
    private Task ApplyReloadedSettings()
    {
        if (_known && _settingsInForce is { } used && ReadSettings() is var current && current != used)
        {
            LogSettingsReloaded(logger, Service, used.Describe(), current.Describe());
            Changed(structural: true);
        }

        return Task.CompletedTask;
    }

    private static int Rank(EndpointConditions conditions) => conditions.Ready ? 2 : conditions.IsDrainingOnly ? 1 : 0;

    private InstanceSnapshot ToSnapshot(InstanceEntry entry, DateTimeOffset now, CapacityDecision decision)
    {
        var endpoint = entry.Endpoint;
        var status = entry.Status;
        var (availability, reason, _) = decision;
        return new InstanceSnapshot(
            entry.InstanceId,
            endpoint.Host,
            endpoint.Port,
            endpoint.Zone,
            endpoint.NodeName,
            endpoint.TargetName,
            endpoint.Weight,
            endpoint.Conditions,
            entry.Health,
            entry.Circuit,
            InFlight: 0,
            status?.EwmaLatencyMs ?? 0,
            status?.ConsecutiveFailures ?? 0,
            entry.SelectionsServed,
            Selectable: availability == InstanceAvailability.Selectable,
            NotSelectableReason: reason,
            status?.LastChangeReason,
            entry.Sources,
            status?.Override)
        {
            EjectionOverridden = decision.Overridden,
            ActiveReporters = status?.ActiveReporters ?? 0,
            SlowStartPercent = SlowStartPercent(entry, now),
        };
    }

    /// <summary>A one-off selection's exclusions: instances already tried, and other zones when one is preferred.</summary>
    private readonly struct SelectFilter(ImmutableArray<string> excluded, string? zone) : IRouteFilter
    {
        public bool IsActive => !excluded.IsDefaultOrEmpty || zone is not null;

        public bool Excludes(RouteEndpoint endpoint) =>
            IsExcluded(excluded, endpoint.InstanceId) || (zone is not null && !string.Equals(endpoint.Instance.Zone, zone, StringComparison.Ordinal));
    }

    [LoggerMessage(EventId = 1400, Level = LogLevel.Information, Message = "Service {Service}: {Count} instance(s) after reconcile ({Changed} added or changed, {Removed} removed)")]
    private static partial void LogInstancesReconciled(ILogger logger, string service, int count, int changed, int removed);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "Service {Service}: instance {InstanceId} is now {Availability} ({Reason}; cause: {Cause})")]
    private static partial void LogAvailabilityChanged(ILogger logger, string service, string instanceId, InstanceAvailability availability, string reason, string cause);

    [LoggerMessage(EventId = 1405, Level = LogLevel.Information, Message = "Service {Service}: reloaded settings in force for routing ({Before} -> {After})")]
    private static partial void LogSettingsReloaded(ILogger logger, string service, string before, string after);

    [LoggerMessage(EventId = 1404, Level = LogLevel.Debug, Message = "Service {Service}: half-open instance {InstanceId} is now {Availability} ({Reason})")]
    private static partial void LogTrialAvailabilityChanged(ILogger logger, string service, string instanceId, InstanceAvailability availability, string reason);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Debug, Message = "Service {Service}: routing snapshot v{Version} published to {Routers} router(s)")]
    private static partial void LogPublished(ILogger logger, string service, long version, int routers);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Warning, Message = "Service {Service}: refreshing the instance grains failed ({Error}); the next refresh tries again")]
    private static partial void LogRefreshFailed(ILogger logger, string service, string error);
}

/// <summary>The settings a service's routing snapshot is built with; compared to notice a hot reload.</summary>
internal sealed record ServiceSettings(string Algorithm, FleetControls Controls)
{
    public string Describe() =>
        $"{Algorithm}, max_ejection_percent {Controls.MaxEjectionPercent}, panic_threshold {Controls.PanicThreshold} ({(Controls.FailFastOnPanic ? "fail_fast" : "route_all")}), slow_start {Controls.SlowStart.TotalSeconds:0.#} s";
}
