using Microsoft.Extensions.Logging;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.LoadBalancing;

namespace TradingAgents.Actors.Routing;

/// <summary>
/// The data plane of one service in one process (a gateway or an external client): routes requests
/// from the last routing snapshot its service grain pushed, counts its own calls in flight, holds
/// fleet-wide trial leases ahead of need, and streams call outcomes back to the instance grains in order.
/// No grain call sits on a request's path; when the control plane is unreachable the router keeps
/// routing from its last snapshot and reports how old it is (<see cref="SnapshotAge"/>).
/// </summary>
public sealed partial class ServiceRouter : IAsyncDisposable, IDisposable
{
    private readonly IGrainFactory _grainFactory;
    private readonly RouterOptions _options;
    private readonly Func<int> _failureThreshold;
    private readonly Func<TimeSpan> _maxRetryAfter;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly RouterInstruments _instruments;
    private readonly IRouterPickObserver? _pickObserver;
    private readonly Action<ServiceRouter>? _forgotten;
    private readonly Observer _observer;
    private readonly TaskCompletionSource _firstSnapshot = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private IRoutingObserver? _observerReference;
    private RouteTable _table;
    private ILoadBalancingPolicy? _policy;
    private Task? _loop;
    private long _confirmedAt;
    private int _localExclusions;
    private string? _controlPlaneError;

    internal ServiceRouter(
        string service,
        IGrainFactory grainFactory,
        RouterOptions options,
        Func<int> failureThreshold,
        Func<TimeSpan> maxRetryAfter,
        TimeProvider timeProvider,
        RouterInstruments instruments,
        IRouterPickObserver? pickObserver,
        Action<ServiceRouter>? forgotten,
        ILogger logger,
        Func<RetryBudgetOptions>? retryBudget = null,
        RouteLocality? locality = null,
        Func<ZoneAffinityOptions>? zoneAffinity = null)
    {
        _pickObserver = pickObserver;
        _forgotten = forgotten;
        Service = service;
        _grainFactory = grainFactory;
        _options = options;
        _failureThreshold = failureThreshold;
        _maxRetryAfter = maxRetryAfter;
        _timeProvider = timeProvider;
        _instruments = instruments;
        _logger = logger;
        _observer = new Observer(this);
        _table = RouteTable.Pending(service, $"No routing snapshot of '{service}' has arrived yet.");
        ReporterId = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
        RetryBudget = new RetryBudget(retryBudget ?? (static () => DefaultRetryBudget), timeProvider);
        Locality = locality ?? RouteLocality.None;
        _zoneAffinity = zoneAffinity ?? (static () => DefaultZoneAffinity);
        ZoneTraffic = new ZoneTraffic(timeProvider);
    }

    /// <summary>The logical service this router routes.</summary>
    public string Service { get; }

    /// <summary>This router's name in outcome reports and lease grants (host/process/random).</summary>
    public string ReporterId { get; }

    /// <summary>True once a snapshot has arrived.</summary>
    public bool HasSnapshot => _firstSnapshot.Task.IsCompleted;

    /// <summary>Completes when the first snapshot has arrived.</summary>
    public Task FirstSnapshot => _firstSnapshot.Task;

    /// <summary>The snapshot routed from.</summary>
    public RoutingSnapshot Snapshot => Volatile.Read(ref _table).Snapshot;

    /// <summary>Time since the control plane last confirmed this router's snapshot (push or version check); null before the first.</summary>
    public TimeSpan? SnapshotAge => Volatile.Read(ref _confirmedAt) is var at && at != 0 ? _timeProvider.GetElapsedTime(at) : null;

    /// <summary>The last error talking to the control plane; null while it answers.</summary>
    public string? ControlPlaneError => Volatile.Read(ref _controlPlaneError);

    /// <summary>Calls from this process in flight per instance, for status pages.</summary>
    public IReadOnlyDictionary<string, int> InFlight => Volatile.Read(ref _table).All.ToDictionary(e => e.InstanceId, e => e.InFlight, StringComparer.Ordinal);

    /// <summary>Calls this process admitted per instance since the instance appeared; a status page diffs two readings for a recent share.</summary>
    public IReadOnlyDictionary<string, long> Picks => Volatile.Read(ref _table).All.ToDictionary(e => e.InstanceId, e => e.Load.Picks, StringComparer.Ordinal);

    internal RouteTable Table => Volatile.Read(ref _table);

    /// <summary>Subscribes to the service grain and starts the background loop (version checks, outcome flushes, leases).</summary>
    internal void Start()
    {
        _observerReference = _grainFactory.CreateObjectReference<IRoutingObserver>(_observer);
        _loop = Task.Run(() => RunAsync(_stopping.Token));
    }

    /// <summary>
    /// Admits one call: a half-open instance's trial when this router holds a lease for one, else the
    /// policy's choice among the selectable instances that neither <paramref name="tried"/> nor this
    /// router's local exclusions rule out, else a draining-only instance. Lock-free; allocates nothing on
    /// the common path (no exclusions).
    /// </summary>
    /// <param name="tried">Instances this request already tried; null or empty for a first attempt.</param>
    /// <param name="preferredZone">A zone to prefer instead of this process's own (<see cref="Locality"/>); null for the process's.
    /// Instances on the process's node come first, then its zone, while that set has enough selectable capacity
    /// (<c>zone_affinity</c>); otherwise every zone.</param>
    /// <param name="call">The admitted call; complete it with <see cref="Complete"/>.</param>
    /// <param name="failure">Why nothing was admitted.</param>
    public bool TryPick(IReadOnlyCollection<string>? tried, string? preferredZone, out RoutedCall call, out RouteFailure failure)
    {
        var table = Volatile.Read(ref _table);
        var now = _timeProvider.GetTimestamp();
        foreach (var trial in table.TrialOnly)
        {
            if ((tried is null || !tried.Contains(trial.InstanceId)) && trial.Load.TryTakeLease(trial.Instance.BreakerGeneration, out var leaseId))
            {
                call = Admit(trial, trial.Instance.BreakerGeneration, leaseId, now);
                failure = default;
                return true;
            }
        }

        var policy = _policy ??= LoadBalancingPolicyFactory.Create(table.Snapshot.Algorithm is { Length: > 0 } a ? a : "health_aware", Random.Shared);
        // In panic (route_all) the fleet has decided to spread load over every instance not known dead: this
        // process's own early ejections would only pile it onto fewer.
        var local = Volatile.Read(ref _localExclusions) > 0 && table.Snapshot.Panic != PanicState.RouteAll;
        var filter = new LocalFilter(tried, local, now);
        RouteEndpoint? picked = null;

        // Same node, then same zone, while that set has enough selectable capacity; then every zone.
        var plan = LocalityFor(table, preferredZone);
        if (plan.NodePasses)
        {
            picked = RoutePicker.PickFrom(plan.NodeCandidates, policy, ref filter);
        }

        if (picked is null && plan.ZonePasses)
        {
            picked = RoutePicker.PickFrom(plan.ZoneCandidates, policy, ref filter);
        }

        picked ??= RoutePicker.PickOrdinary(table, policy, ref filter);
        if (picked is null && tried is { Count: > 0 })
        {
            // Only instances already tried are left: a second try there beats giving up.
            var again = new LocalFilter(null, local, now);
            picked = RoutePicker.PickOrdinary(table, policy, ref again);
        }

        if (picked is null)
        {
            call = default;
            failure = Describe(table, tried, now);
            return false;
        }

        call = Admit(picked, picked.Instance.BreakerGeneration, 0, now);
        failure = default;
        return true;
    }

    /// <summary>
    /// Ends <paramref name="call"/>: releases its in-flight slot and appends its outcome to the instance's
    /// stream (sent at once unless it is a plain success). Never waits on the control plane.
    /// </summary>
    /// <param name="call">The call from <see cref="TryPick"/>.</param>
    /// <param name="kind">How it ended (see <see cref="Calls.AttemptClassifier"/>).</param>
    /// <param name="latency">Time from sending to the end of the response or the failure.</param>
    /// <param name="error">Short cause of a failure.</param>
    /// <param name="retryAfter">For backpressure: the time the instance asked for.</param>
    public void Complete(in RoutedCall call, OutcomeKind kind, TimeSpan latency, string? error = null, TimeSpan? retryAfter = null)
    {
        var endpoint = call.Endpoint;
        var load = endpoint.Load;
        load.Ended();
        load.Finished(kind);
        var stream = load.Stream ??= new OutcomeStream(
            _grainFactory.GetGrain<IInstanceGrain>(InstanceKey.Format(Service, endpoint.InstanceId)), ReporterId, _options.MaxPendingOutcomes);

        switch (kind)
        {
            case OutcomeKind.Success when !call.IsTrial:
                load.Succeeded();
                stream.AddSuccess(latency, call.Generation);
                return;
            case OutcomeKind.Success:
                load.Succeeded();
                break;
            case OutcomeKind.Failure:
                var run = load.Failed();
                var threshold = _failureThreshold();
                if (run >= threshold && !load.Ejected)
                {
                    // Until the fleet view has seen these failures, this process keeps traffic away itself.
                    load.Ejected = true;
                    load.EjectionDeliveredAt = 0;
                    load.EjectedGeneration = call.Generation;
                    Interlocked.Increment(ref _localExclusions);
                    var panic = Volatile.Read(ref _table).Snapshot.Panic == PanicState.RouteAll;
                    if (run == threshold && !panic)
                    {
                        LogEjectedLocally(_logger, Service, endpoint.InstanceId, run);
                    }
                    else
                    {
                        // Once per run at Warning: a run that goes on re-ejects after every fleet view the
                        // router waits for, and under panic routing the ejection is ignored anyway.
                        LogEjectedLocallyAgain(_logger, Service, endpoint.InstanceId, run, panic ? "ignored: the service is in panic, routing to every instance" : "the run of failures goes on");
                    }
                }

                break;
            case OutcomeKind.Backpressure:
                // Capped like the fleet's window (circuit_breaker.max_retry_after): an instance asking for an
                // hour must not lose this process's traffic for longer than the fleet keeps it away.
                var wait = retryAfter is { } r && r > TimeSpan.Zero ? r : TimeSpan.FromSeconds(1);
                var cap = _maxRetryAfter();
                wait = wait < cap ? wait : cap;
                load.BackoffUntil = _timeProvider.GetTimestamp() + (long)(wait.TotalSeconds * _timeProvider.TimestampFrequency);
                Interlocked.Increment(ref _localExclusions);
                break;
        }

        stream.Add(new OutcomeEntry(kind, 1, latency, call.Generation, call.TrialLeaseId, error, retryAfter));
        _ = FlushAsync(load, stream);
    }

    /// <summary>Applies a snapshot if it is newer than the one held (another epoch, or a higher version).</summary>
    internal void Apply(RoutingSnapshot snapshot)
    {
        Volatile.Write(ref _confirmedAt, _timeProvider.GetTimestamp());
        Volatile.Write(ref _controlPlaneError, null);
        while (true)
        {
            var held = Volatile.Read(ref _table);
            var current = held.Snapshot;
            if (current.Epoch == snapshot.Epoch && snapshot.Version <= current.Version)
            {
                return;
            }

            var table = RouteTable.Build(snapshot, held, _timeProvider);
            if (Interlocked.CompareExchange(ref _table, table, held) != held)
            {
                continue;
            }

            if (_policy is { } policy && !string.Equals(policy.Name, snapshot.Algorithm, StringComparison.Ordinal))
            {
                _policy = null;
            }

            Locality.Learn(snapshot);
            ReleaseLocalExclusions(table);
            RequestLeases(table);
            _firstSnapshot.TrySetResult();
            if (snapshot.Status == SelectionStatus.UnknownService && current.Status != SelectionStatus.UnknownService && _forgotten is { } forget)
            {
                // The service is gone (deleted, or never existed): stop subscribing, or the version
                // checks would keep re-activating its grain.
                forget(this);
            }

            return;
        }
    }

    /// <summary>Sends every pending outcome now (shutdown, tests), waiting for sends already under way; completes when each stream's reports are delivered or failed.</summary>
    public Task FlushAsync() => FlushAllAsync(waitForRunning: true);

    /// <summary>Stops the background loop without waiting for it or sending pending outcomes; prefer <see cref="DisposeAsync"/>.</summary>
    public void Dispose()
    {
        if (!_stopping.IsCancellationRequested)
        {
            _stopping.Cancel();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        if (_loop is { } loop)
        {
            await loop.ConfigureAwait(false);
        }

        await FlushAllAsync(waitForRunning: true).ConfigureAwait(false);
        if (_observerReference is { } reference)
        {
            // Hands this router's retry allowance back to the fleet at once instead of when it lapses.
            await ReportRetryBudgetAsync(leaving: true).ConfigureAwait(false);
            try
            {
                await _grainFactory.GetGrain<IServiceGrain>(Service).UnsubscribeAsync(reference).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The grain forgets silent subscribers anyway.
            }

            _grainFactory.DeleteObjectReference<IRoutingObserver>(reference);
            _observerReference = null;
        }
    }

    /// <summary>Set when a request waited for the first snapshot; its pick counts as a cache miss.</summary>
    internal bool NextPickWaited { get; set; }

    private RoutedCall Admit(RouteEndpoint endpoint, long generation, long leaseId, long now)
    {
        endpoint.Load.Started();
        if (_pickObserver is { } observer)
        {
            var waited = NextPickWaited;
            NextPickWaited = false;
            observer.OnPicked(Service, endpoint.InstanceId, fromLocalState: !waited);
        }

        return new RoutedCall(endpoint, generation, leaseId, now);
    }

    private RouteFailure Describe(RouteTable table, IReadOnlyCollection<string>? tried, long now)
    {
        var snapshot = table.Snapshot;
        if (snapshot.Status != SelectionStatus.Selected)
        {
            return new RouteFailure(snapshot.Status, snapshot.Reason ?? snapshot.Status.ToString(), false);
        }

        var reason = table.DescribeNoneSelectable(e =>
            tried is not null && tried.Contains(e.InstanceId) ? "already tried"
            : e.Load.Ejected ? "failing here (local view)"
            : e.Load.BackoffUntil > now ? "backpressure (local view)"
            : null);
        // A local ejection is this process's early view of a circuit about to open.
        return new RouteFailure(SelectionStatus.NoneSelectable, reason, table.All.Any(e => e.Instance.Circuit == CircuitState.Open || e.Load.Ejected));
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        // One timer at the shorter of the two periods; each job runs when it is due.
        var flushEvery = Ticks(_options.OutcomeFlushInterval);
        var checkEvery = Ticks(_options.VersionCheckInterval);
        var period = _options.OutcomeFlushInterval < _options.VersionCheckInterval ? _options.OutcomeFlushInterval : _options.VersionCheckInterval;
        var (nextCheck, nextFlush) = (0L, _timeProvider.GetTimestamp() + flushEvery);
        var budgetEvery = Ticks(_options.RetryBudgetInterval);
        var nextBudget = 0L;
        using var timer = new PeriodicTimer(period, _timeProvider);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var now = _timeProvider.GetTimestamp();
                if (now >= nextCheck)
                {
                    nextCheck = now + checkEvery;
                    await CheckVersionAsync().ConfigureAwait(false);
                }

                if (now >= nextFlush)
                {
                    nextFlush = now + flushEvery;
                    await FlushAllAsync().ConfigureAwait(false);
                }

                RetryBudget.Tick();
                ZoneTraffic.Sample(Volatile.Read(ref _table));
                if (now >= nextBudget)
                {
                    nextBudget = now + budgetEvery;
                    await ReportRetryBudgetAsync().ConfigureAwait(false);
                }

                ReturnUnusableLeases();
                ReleaseLocalExclusions(Volatile.Read(ref _table));
                if (!await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogLoopFailed(_logger, Service, ex.GetBaseException().Message);
            }
        }
    }

    private long Ticks(TimeSpan duration) => (long)(duration.TotalSeconds * _timeProvider.TimestampFrequency);

    /// <summary>Refreshes the subscription and picks up a snapshot the pushes missed. Failures keep the last snapshot.</summary>
    internal async Task CheckVersionAsync()
    {
        if (_observerReference is not { } reference)
        {
            return;
        }

        var held = Volatile.Read(ref _table).Snapshot;
        try
        {
            var newer = await _grainFactory.GetGrain<IServiceGrain>(Service).SubscribeAsync(reference, held.Epoch, held.Version).ConfigureAwait(false);
            if (newer is not null)
            {
                _instruments.SnapshotMissed(Service, held.Version >= 0);
                Apply(newer);
            }
            else
            {
                Volatile.Write(ref _confirmedAt, _timeProvider.GetTimestamp());
                Volatile.Write(ref _controlPlaneError, null);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var first = Volatile.Read(ref _controlPlaneError) is null;
            Volatile.Write(ref _controlPlaneError, $"{ex.GetType().Name}: {ex.GetBaseException().Message}");
            _instruments.ControlPlaneError(Service);
            if (first)
            {
                if (HasSnapshot)
                {
                    LogControlPlaneUnreachable(_logger, Service, SnapshotAge?.TotalSeconds ?? 0, ex.GetBaseException().Message);
                }
                else
                {
                    LogControlPlaneUnreachableNoSnapshot(_logger, Service, ex.GetBaseException().Message);
                }
            }
        }
    }

    private Task FlushAllAsync(bool waitForRunning = false)
    {
        List<Task>? flushes = null;
        foreach (var endpoint in Volatile.Read(ref _table).All)
        {
            if (endpoint.Load.Stream is { HasPending: true } stream)
            {
                (flushes ??= []).Add(FlushAsync(endpoint.Load, stream, waitForRunning));
            }
        }

        return flushes is null ? Task.CompletedTask : Task.WhenAll(flushes);
    }

    private async Task FlushAsync(EndpointLoad load, OutcomeStream stream, bool waitForRunning = false)
    {
        if (await stream.FlushAsync(waitForRunning).ConfigureAwait(false) && load.Ejected && load.EjectionDeliveredAt == 0)
        {
            load.EjectionDeliveredAt = _timeProvider.GetTimestamp();
        }
    }

    /// <summary>
    /// A local ejection ends when the fleet view has moved on (the breaker changed generation: it opened),
    /// or one version-check interval after the failures were delivered if the fleet still keeps the
    /// instance closed; a local backoff ends when its time is up.
    /// </summary>
    private void ReleaseLocalExclusions(RouteTable table)
    {
        if (Volatile.Read(ref _localExclusions) == 0)
        {
            return;
        }

        var now = _timeProvider.GetTimestamp();
        var patience = Ticks(_options.VersionCheckInterval);
        var remaining = 0;
        foreach (var endpoint in table.All)
        {
            var load = endpoint.Load;
            if (load.Ejected
                && (endpoint.Instance.BreakerGeneration != load.EjectedGeneration
                    || (load.EjectionDeliveredAt != 0 && now - load.EjectionDeliveredAt > patience)))
            {
                load.Ejected = false;
            }

            if (load.BackoffUntil != 0 && load.BackoffUntil <= now)
            {
                load.BackoffUntil = 0;
            }

            remaining += (load.Ejected ? 1 : 0) + (load.BackoffUntil != 0 ? 1 : 0);
        }

        Volatile.Write(ref _localExclusions, remaining);
    }

    /// <summary>Asks for trial leases of half-open instances ahead of need, in the background.</summary>
    private void RequestLeases(RouteTable table)
    {
        foreach (var endpoint in table.TrialOnly)
        {
            var load = endpoint.Load;
            if (load.LeaseCount == 0 && load.BeginLeaseRequest())
            {
                _ = AcquireLeasesAsync(endpoint);
            }
        }
    }

    private async Task AcquireLeasesAsync(RouteEndpoint endpoint)
    {
        try
        {
            var grant = await _grainFactory.GetGrain<IInstanceGrain>(InstanceKey.Format(Service, endpoint.InstanceId))
                .AcquireTrialLeasesAsync(ReporterId, _options.TrialLeasesPerRequest).ConfigureAwait(false);
            if (!grant.LeaseIds.IsDefaultOrEmpty)
            {
                // Returned a little before the grain's use-before time, so the slot is free when it expects.
                var left = grant.UseBefore - _timeProvider.GetUtcNow() - TimeSpan.FromMilliseconds(500);
                var useBefore = _timeProvider.GetTimestamp() + (long)(Math.Max(0, left.TotalSeconds) * _timeProvider.TimestampFrequency);
                endpoint.Load.AddLeases(grant, useBefore);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogLeaseFailed(_logger, Service, endpoint.InstanceId, ex.GetBaseException().Message);
        }
        finally
        {
            endpoint.Load.EndLeaseRequest();
        }
    }

    /// <summary>Returns leases this router could not use in time (or of a past generation) as cancelled, freeing their slots.</summary>
    private void ReturnUnusableLeases()
    {
        var table = Volatile.Read(ref _table);
        var now = _timeProvider.GetTimestamp();
        foreach (var endpoint in table.All)
        {
            var load = endpoint.Load;
            if (load.LeaseCount == 0)
            {
                continue;
            }

            var (generation, ids) = load.TakeUnusable(endpoint.Instance.BreakerGeneration, now);
            if (ids.Length == 0)
            {
                continue;
            }

            var stream = load.Stream ??= new OutcomeStream(
                _grainFactory.GetGrain<IInstanceGrain>(InstanceKey.Format(Service, endpoint.InstanceId)), ReporterId, _options.MaxPendingOutcomes);
            foreach (var id in ids)
            {
                stream.Add(new OutcomeEntry(OutcomeKind.Cancelled, 1, TimeSpan.Zero, generation, id));
            }

            _ = FlushAsync(load, stream);
        }

        RequestLeases(table);
    }

    /// <summary>The router's exclusions: tried instances, local ejections and backoffs.</summary>
    private readonly struct LocalFilter(IReadOnlyCollection<string>? tried, bool local, long now) : IRouteFilter
    {
        public bool IsActive => tried is { Count: > 0 } || local;

        public bool Excludes(RouteEndpoint endpoint)
        {
            if (tried is { Count: > 0 } && tried.Contains(endpoint.InstanceId))
            {
                return true;
            }

            return local && (endpoint.Load.Ejected || endpoint.Load.BackoffUntil > now);
        }
    }

    /// <summary>The grain observer: keeps a strong reference path from the router (the runtime holds observers weakly).</summary>
    private sealed class Observer(ServiceRouter router) : IRoutingObserver
    {
        public void OnSnapshot(RoutingSnapshot snapshot)
        {
            if (snapshot is not null && string.Equals(snapshot.Service, router.Service, StringComparison.Ordinal))
            {
                router.Apply(snapshot);
            }
        }
    }
}
