using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Diagnostics;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.LoadBalancing;

namespace TradingAgents.Actors.Grains;

/// <summary>
/// One logical service: the union of its sources' endpoint sets, the mirrored state of each
/// endpoint's instance grain, and the fleet's load-balancing policy. Selection never calls another
/// grain except to lease a half-open trial, so its cost does not grow with the number of instances
/// beyond one pass over an array.
/// </summary>
internal sealed partial class ServiceGrain(
    EndpointCatalog catalog,
    ServiceStateBoard board,
    DiscoveryInstruments instruments,
    IOptionsMonitor<ServiceDiscoveryOptions> options,
    TimeProvider timeProvider,
    ILogger<ServiceGrain> logger) : Grain, IServiceGrain
{
    private readonly Dictionary<string, EndpointSetUpdate> _sources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InstanceEntry> _instances = new(StringComparer.Ordinal);
    private InstanceEntry[] _ordered = [];
    private PolicyCandidate[] _candidates = [];
    private int[] _candidateIndexes = [];
    private readonly CandidateSet _ready = new();

    /// <summary>Slack beyond the service timeout before an unreported call is presumed lost.</summary>
    private static readonly TimeSpan LostCallMargin = TimeSpan.FromSeconds(5);
    private ILoadBalancingPolicy _policy = null!;
    private ServiceDiscoveryOptions? _policyOptions;
    private IGrainTimer? _reconcileTimer;
    private bool _known;
    private long _selectionsServed;

    private string? _service;

    // The first selection of an activation waited for the state to be rebuilt from the instance
    // grains: a cache miss in service_discovery_cache_hit_rate.
    private bool _hydrated;

    private string Service => _service ??= this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A name nobody configured or discovered must not leave an activation behind: the first
        // call on it answers UnknownService and deactivates the grain.
        _known = catalog.IsKnown(Service);
        if (!_known)
        {
            return;
        }

        EnsurePolicy();
        foreach (var set in catalog.GetSets(Service))
        {
            _sources[set.Source] = set;
        }

        await ReconcileInstancesAsync().ConfigureAwait(true);
        EnsureRefreshTimer();
    }

    /// <summary>
    /// Starts the periodic refresh once the service is known, whether that was at activation or at
    /// the first update (a grain can activate on a silo whose catalog has not seen the service yet).
    /// Instance grains live on other silos too; if one of those dies, its endpoint must get a prober
    /// again. Re-configuring is idempotent and also refreshes the mirrored state.
    /// </summary>
    private void EnsureRefreshTimer()
    {
        if (_reconcileTimer is not null)
        {
            return;
        }

        var period = options.CurrentValue.CacheTtl;
        _reconcileTimer = this.RegisterGrainTimer(
            static (grain, _) => grain.RefreshInstancesAsync(),
            this,
            new GrainTimerCreationOptions { DueTime = period, Period = period, Interleave = false, KeepAlive = false });
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

        EnsurePolicy();
        var excluded = request?.ExcludedInstanceIds ?? default;
        var fromMemory = _hydrated;
        _hydrated = true;

        // A half-open instance only recovers if it gets its trial calls, which a score-based policy
        // would never give it; so trials go first, leased from the instance grain to stay fleet-wide.
        _ready.Ensure(_ordered);
        InstanceEntry[] halfOpenCandidates = _ready.AnyHalfOpen ? _ordered : [];
        foreach (var entry in halfOpenCandidates)
        {
            if (entry.Circuit == CircuitState.HalfOpen && entry.GetNotSelectableReason() is null && !IsExcluded(excluded, entry.InstanceId))
            {
                fromMemory = false;
                var granted = await GrainFactory.GetGrain<IInstanceGrain>(InstanceKey.Format(Service, entry.InstanceId))
                    .TryAcquireTrialAsync().ConfigureAwait(true);
                if (granted && _instances.ContainsKey(entry.InstanceId))
                {
                    instruments.SelectionAnswered(Service, fromMemory);
                    return Select(entry, isTrial: true);
                }

                entry.TrialRefused = true;
            }
        }

        // The common case (no exclusions, no zone) picks from the prepared candidates.
        if (excluded.IsDefaultOrEmpty && request?.PreferredZone is null && _ready.Ensure(_ordered) is > 0 and var ready)
        {
            instruments.SelectionAnswered(Service, fromMemory);
            return Select(_ready[_policy.Pick(_ready.Candidates(ready))], isTrial: false);
        }

        var count = CollectCandidates(excluded, request?.PreferredZone, drainingOnly: false);
        if (count == 0)
        {
            count = CollectCandidates(excluded, preferredZone: null, drainingOnly: true);
        }

        instruments.SelectionAnswered(Service, fromMemory);
        if (count == 0)
        {
            return Fail(SelectionStatus.NoneSelectable, DescribeNoneSelectable(excluded));
        }

        var picked = _policy.Pick(_candidates.AsSpan(0, count));
        return Select(_ordered[_candidateIndexes[picked]], isTrial: false);
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
                    PublishState();
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

    private ServiceSnapshot BuildSnapshot()
    {
        var now = timeProvider.GetUtcNow();
        var sources = _sources.Values
            .OrderBy(s => s.Source, StringComparer.Ordinal)
            .Select(s => new SourceSync(s.Source, s.Version, s.Endpoints.Length, s.SyncedAt, Math.Max(0, (now - s.SyncedAt).TotalSeconds), s.Generation, s.Problem))
            .ToList();
        var instances = _ordered.Select(ToSnapshot).ToList();
        var algorithm = _known ? options.CurrentValue.GetAlgorithm(Service) : string.Empty;
        return new ServiceSnapshot(Service, _known, algorithm, now, sources, instances, _selectionsServed);
    }

    /// <summary>Refreshes this service on the silo's state board (gauges, status page); only on state changes, never per selection.</summary>
    private void PublishState()
    {
        if (_known)
        {
            board.Publish(BuildSnapshot());
        }
    }

    public ValueTask OnInstanceChangedAsync(InstanceStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (_instances.TryGetValue(status.InstanceId, out var entry))
        {
            var (before, circuit, health) = (entry.GetNotSelectableReason(), entry.Circuit, entry.Health);
            if (entry.Apply(status))
            {
                var after = entry.GetNotSelectableReason();
                if (before != after)
                {
                    LogSelectabilityChanged(logger, Service, status.InstanceId, after ?? "selectable", status.LastChangeReason ?? "-");
                }

                if (before != after || circuit != entry.Circuit || health != entry.Health)
                {
                    _ready.Invalidate();
                    PublishState();
                }
                else
                {
                    _ready.Refresh(entry);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _reconcileTimer?.Dispose();
        board.Withdraw(Service);
        return Task.CompletedTask;
    }

    private Selection Fail(SelectionStatus status, string reason)
    {
        instruments.SelectionFailed(Service, status);
        return Selection.Failed(status, reason);
    }

    private Selection Select(InstanceEntry entry, bool isTrial)
    {
        entry.OnSelected(timeProvider.GetTimestamp());
        _selectionsServed++;
        instruments.Selected(Service, entry.InstanceId);
        _ready.Refresh(entry);
        var endpoint = entry.Endpoint;
        return Selection.Of(new SelectedEndpoint(Service, entry.InstanceId, endpoint.Host, endpoint.Port, endpoint.Zone, endpoint.NodeName, isTrial));
    }

    private int CollectCandidates(ImmutableArray<string> excluded, string? preferredZone, bool drainingOnly)
    {
        var count = 0;
        var inZone = 0;
        for (var i = 0; i < _ordered.Length; i++)
        {
            var entry = _ordered[i];
            var eligible = drainingOnly
                ? entry.Endpoint.Conditions.IsDrainingOnly && entry.Circuit == CircuitState.Closed && entry.Health != HealthState.Unhealthy
                : CandidateSet.IsOrdinary(entry);
            if (!eligible || IsExcluded(excluded, entry.InstanceId))
            {
                continue;
            }

            var candidate = entry.ToCandidate();

            // Zone affinity: once a candidate in the preferred zone is seen, keep only those.
            if (preferredZone is not null && string.Equals(entry.Endpoint.Zone, preferredZone, StringComparison.Ordinal))
            {
                if (inZone == 0)
                {
                    count = 0;
                }

                inZone++;
            }
            else if (inZone > 0)
            {
                continue;
            }

            _candidates[count] = candidate;
            _candidateIndexes[count] = i;
            count++;
        }

        return count;
    }

    private static bool IsExcluded(ImmutableArray<string> excluded, string instanceId) =>
        !excluded.IsDefaultOrEmpty && excluded.Contains(instanceId, StringComparer.Ordinal);

    private string DescribeNoneSelectable(ImmutableArray<string> excluded)
    {
        var reasons = _ordered
            .Select(e => IsExcluded(excluded, e.InstanceId) ? "already tried" : e.GetNotSelectableReason() ?? "not selectable")
            .GroupBy(r => r, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .Select(g => $"{g.Count()} {g.Key}");
        return $"Service '{Service}' has {_ordered.Length} endpoint(s) and none is selectable: {string.Join(", ", reasons)}.";
    }

    private void EnsurePolicy()
    {
        var current = options.CurrentValue;
        if (ReferenceEquals(current, _policyOptions))
        {
            return;
        }

        var algorithm = current.GetAlgorithm(Service);
        if (_policy is null || !string.Equals(_policy.Name, algorithm, StringComparison.Ordinal))
        {
            _policy = LoadBalancingPolicyFactory.Create(algorithm, new Random());
        }

        _policyOptions = current;
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
        _ready.Invalidate();
        if (_candidates.Length < _ordered.Length)
        {
            _candidates = new PolicyCandidate[_ordered.Length];
            _candidateIndexes = new int[_ordered.Length];
        }

        // Removed endpoints are gone from selection above, before any await; the grain calls below
        // only start or stop probing.
        var work = new List<Task>(removed.Count + changed.Count);
        work.AddRange(removed.Select(id => GrainFactory.GetGrain<IInstanceGrain>(InstanceKey.Format(Service, id)).RetireAsync().AsTask()));
        work.AddRange(changed.Select(ConfigureInstanceAsync));
        await Task.WhenAll(work).ConfigureAwait(true);
        PublishState();
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
            entry.Apply(status);
            _ready.Invalidate();
        }
    }

    private Task RefreshInstancesAsync()
    {
        ExpireLostCalls();
        return Task.WhenAll(_ordered.Select(ConfigureInstanceAsync));
    }

    /// <summary>
    /// A caller that dies mid-call never reports, which would leave its call counted in flight for
    /// good and skew least-connections and health-aware selection. No call outlives the service's
    /// timeout (callers cancel then), so calls selected longer ago than that, plus a margin, are lost.
    /// </summary>
    private void ExpireLostCalls()
    {
        var lifetime = options.CurrentValue.GetTimeout(Service) + LostCallMargin;
        var cutoff = timeProvider.GetTimestamp() - (long)(lifetime.TotalSeconds * timeProvider.TimestampFrequency);
        foreach (var entry in _ordered)
        {
            if (entry.ExpireInFlight(cutoff) is > 0 and var expired)
            {
                _ready.Refresh(entry);
                LogLostCalls(logger, Service, entry.InstanceId, expired, lifetime.TotalSeconds);
            }
        }
    }

    private static int Rank(EndpointConditions conditions) => conditions.Ready ? 2 : conditions.IsDrainingOnly ? 1 : 0;

    private InstanceSnapshot ToSnapshot(InstanceEntry entry)
    {
        var endpoint = entry.Endpoint;
        var status = entry.Status;
        var reason = entry.GetNotSelectableReason();
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
            entry.InFlight,
            status?.EwmaLatencyMs ?? 0,
            status?.ConsecutiveFailures ?? 0,
            entry.SelectionsServed,
            Selectable: reason is null,
            NotSelectableReason: reason ?? (endpoint.Conditions.IsDrainingOnly ? "draining: used only when nothing else is left" : null),
            status?.LastChangeReason,
            entry.Sources);
    }

    [LoggerMessage(EventId = 1400, Level = LogLevel.Information, Message = "Service {Service}: {Count} instance(s) after reconcile ({Changed} added or changed, {Removed} removed)")]
    private static partial void LogInstancesReconciled(ILogger logger, string service, int count, int changed, int removed);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Warning, Message = "Service {Service}: {Count} call(s) to {InstanceId} never reported an outcome within {Seconds} s; no longer counted in flight")]
    private static partial void LogLostCalls(ILogger logger, string service, string instanceId, int count, double seconds);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "Service {Service}: instance {InstanceId} is now {State} ({Reason})")]
    private static partial void LogSelectabilityChanged(ILogger logger, string service, string instanceId, string state, string reason);
}
