using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TradingAgents.Actors.CircuitBreaking;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Diagnostics;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Health;
using TradingAgents.Actors.Hosting;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Grains;

/// <summary>
/// One endpoint of one service. Every router in the fleet streams its outcomes here, so the breaker
/// opens on five failures in a row seen by any router and its half-open trials are leased fleet-wide.
/// Probes the endpoint on a jittered timer without ever waiting on it. Pushes every change routing
/// depends on to the service grain, and persists the breaker on every transition. Holds the operator's
/// override (eject, drain, pin) and the history of every transition, persisted with the breaker.
/// </summary>
internal sealed partial class InstanceGrain(
    [PersistentState("breaker", ServiceDiscoveryHostingExtensions.BreakerStorageName)] IPersistentState<CircuitBreakerState> stored,
    [PersistentState("control", ServiceDiscoveryHostingExtensions.BreakerStorageName)] IPersistentState<InstanceControlState> control,
    IOptionsMonitor<ServiceDiscoveryOptions> options,
    HealthProbe probe,
    EndpointCatalog catalog,
    DiscoveryInstruments instruments,
    TimeProvider timeProvider,
    ILogger<InstanceGrain> logger) : Grain, IInstanceGrain, IInstanceProbeSink
{
    /// <summary>How long a router may hold a trial lease before using it; after that it returns it.</summary>
    internal static readonly TimeSpan TrialLeaseHoldTime = TimeSpan.FromSeconds(5);

    /// <summary>Added to a lease's lifetime so that a call cut at its deadline has surely reported.</summary>
    internal static readonly TimeSpan TrialLeaseMargin = TimeSpan.FromSeconds(5);

    /// <summary>Pause after a 429/503 that gave no usable Retry-After (at most <c>max_retry_after</c>).</summary>
    internal static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>Pushes that change only statistics (latency, call counts) go at most this often.</summary>
    internal static readonly TimeSpan StatisticsPushInterval = TimeSpan.FromMilliseconds(250);

    private const int HistoryLength = 32;

    private static readonly TimeSpan ReporterForgetAfter = TimeSpan.FromMinutes(10);

    private readonly Guid _incarnation = Guid.NewGuid();
    private readonly Queue<InstanceTransition> _history = new();
    private readonly Dictionary<string, ReporterPosition> _reporters = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _deactivating = new();
    private readonly ScoreStatistics _score = new();
    private string _service = string.Empty;
    private string _instanceId = string.Empty;
    private ServiceEndpoint? _endpoint;
    private bool _retired;
    private CircuitBreaker _breaker = null!;
    private HealthTracker _health = null!;
    private IGrainTimer? _tickTimer;
    private IGrainTimer? _breakerTimer;
    private DateTimeOffset? _breakerTimerDue;
    private IGrainTimer? _statisticsTimer;
    private DateTimeOffset? _backoffUntil;
    private InstanceOverride? _override;
    private bool _historyDirty;

    private long _sequence;
    private string? _lastChangeReason;
    private long _generationSeen;
    private long _generationPersisted;
    private RoutingView _pushedRouting;
    private StatisticsView _pushedStatistics;
    private DateTimeOffset _lastPush = DateTimeOffset.MinValue;
    private DateTimeOffset? _unlistedSince;

    // Slow start: when this instance's ramp began (it appeared, or its circuit closed after being open). Decided
    // here, once for the fleet, and persisted with the breaker; null when no ramp was ever started.
    private DateTimeOffset? _rampStartedAt;
    private bool _rampDecided;

    // Health probes: at most one in flight, numbered so that a late result of an older one is ignored.
    private long _probeId;
    private long _probeInFlight;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_service, _instanceId) = InstanceKey.Parse(this.GetPrimaryKeyString());
        var current = options.CurrentValue;
        _breaker = new CircuitBreaker(current.CircuitBreaker, timeProvider, TrialLeaseHoldTime + current.GetTimeout(_service) + TrialLeaseMargin);
        _health = new HealthTracker(current.LoadBalancing.HealthCheck.FailureThreshold);
        if (control.RecordExists && control.State is { } kept)
        {
            _override = kept.Override;
            foreach (var transition in kept.History.TakeLast(HistoryLength))
            {
                _history.Enqueue(transition);
            }
        }

        if (stored.RecordExists && stored.State is { } saved)
        {
            var moved = _breaker.Restore(saved);
            _rampStartedAt = saved.RampStartedAt;
            _rampDecided = true;

            // A lazy open -> half-open after the restore is a transition of its own: seen, logged and saved later.
            _generationSeen = saved.Generation + (moved ? 1 : 0);
            _generationPersisted = saved.Generation;
            var restored = moved ? "half-open, with a new generation" : saved.State.ToString();
            Record($"circuit {saved.State} restored", $"restored from storage as {restored}; last cause: {saved.LastReason ?? "none"}", Causes.Storage);
            LogRestored(logger, _service, _instanceId, saved.State, _generationSeen);
            if (moved)
            {
                await PersistAsync().ConfigureAwait(true);
            }

            // The restored open period ends by this activation's own timer, and the service grain hears of it
            // (and of a restore straight into half-open) at once: nothing else may call this grain before then
            // (routers send no traffic to an open circuit, and the service grain re-configures only every cache_ttl).
            ScheduleBreakerTimer();
            Push(force: false);
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // A probe still in flight belongs to this activation: stop it rather than wake a new one with its result.
        _deactivating.Cancel();
        return Task.CompletedTask;
    }

    public async ValueTask<InstanceStatus> ConfigureAsync(ServiceEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!string.Equals(endpoint.InstanceId, _instanceId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Endpoint {endpoint.InstanceId} does not belong to instance grain {_service}/{_instanceId}.", nameof(endpoint));
        }

        _endpoint = endpoint;
        _retired = false;
        var healthCheck = options.CurrentValue.LoadBalancing.HealthCheck;
        if (_tickTimer is null)
        {
            // Jitter the first tick over one interval so that a hundred endpoints added together do not
            // probe in lockstep ever after. The tick only starts a probe; it never waits for one.
            var jitter = TimeSpan.FromTicks((long)(Random.Shared.NextDouble() * healthCheck.Interval.Ticks));
            _tickTimer = this.RegisterGrainTimer(
                static (grain, _) => grain.OnTickAsync(),
                this,
                new GrainTimerCreationOptions { DueTime = jitter, Period = healthCheck.Interval, Interleave = false, KeepAlive = true });
        }

        if (!healthCheck.Enabled && _health.State != HealthState.Unknown)
        {
            _health.Reset();
        }

        await StartRampIfNewAsync().ConfigureAwait(true);
        await AfterChangeAsync().ConfigureAwait(true);
        return CreateStatus();
    }

    public async ValueTask ReportOutcomesAsync(OutcomeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (_retired || (_endpoint is null && !stored.RecordExists))
        {
            // The endpoint was removed (or never configured here): a late report must not revive it.
            // A grain with a stored breaker is one that moved (its silo was lost): it keeps counting
            // until its service grain configures it again.
            DeactivateOnIdle();
            return;
        }

        var now = timeProvider.GetUtcNow();
        if (_reporters.TryGetValue(report.ReporterId, out var position) && report.Sequence <= position.Sequence && report.Sequence != 1)
        {
            // A resend (or an older report overtaken by a newer one): already applied. Sequence 1 after
            // more is a router that restarted under the same id: a new stream, not a resend (a router
            // resends a report only before it sends the next one).
            return;
        }

        _reporters[report.ReporterId] = new ReporterPosition(report.Sequence, now);
        var maxRetryAfter = options.CurrentValue.CircuitBreaker.MaxRetryAfter;
        foreach (var entry in report.Entries.IsDefault ? [] : report.Entries)
        {
            var count = Math.Max(1, entry.Count);
            switch (entry.Kind)
            {
                case OutcomeKind.Success:
                    _score.RecordSuccesses(count, entry.TotalLatency);
                    break;
                case OutcomeKind.Failure:
                    _score.RecordFailures(count, entry.TotalLatency);
                    break;
                case OutcomeKind.Backpressure:
                    var pause = entry.RetryAfter is { } asked && asked > TimeSpan.Zero ? asked : DefaultRetryAfter;
                    var until = now + (pause < maxRetryAfter ? pause : maxRetryAfter);
                    if (_backoffUntil is not { } held || held < until)
                    {
                        if (_backoffUntil is not { } previous || previous <= now)
                        {
                            Record("backpressure", $"{entry.Error ?? "the instance"} asked for no traffic until {until:HH:mm:ss} (reported by {report.ReporterId})", Causes.Backpressure);
                        }

                        _backoffUntil = until;
                    }

                    _score.RecordBackpressure(count);
                    break;
            }

            // Cancelled entries reach the breaker only to free their trial lease.
            _breaker.Record(report.ReporterId, entry.Kind, count, entry.Generation, entry.TrialLeaseId, entry.Error);
        }

        await AfterChangeAsync().ConfigureAwait(true);
    }

    public async ValueTask<TrialLeaseGrant> AcquireTrialLeasesAsync(string routerId, int count)
    {
        ArgumentNullException.ThrowIfNull(routerId);
        if (_retired || count < 1)
        {
            return TrialLeaseGrant.None;
        }

        var leases = _breaker.AcquireTrials(routerId, count);
        var grant = leases.Count == 0
            ? TrialLeaseGrant.None
            : new TrialLeaseGrant([.. leases.Select(static l => l.Id)], _breaker.Generation, timeProvider.GetUtcNow() + TrialLeaseHoldTime);
        await AfterChangeAsync().ConfigureAwait(true);
        return grant;
    }

    public async ValueTask RetireAsync()
    {
        _retired = true;
        _endpoint = null;
        instruments.ForgetInstance(_service, _instanceId);
        _tickTimer?.Dispose();
        _tickTimer = null;
        _breakerTimer?.Dispose();
        _breakerTimer = null;
        _statisticsTimer?.Dispose();
        _statisticsTimer = null;
        DeactivateOnIdle();
        if (stored.RecordExists || control.RecordExists)
        {
            // The endpoint left every source: its breaker, override and history go with it, or Redis
            // would keep keys for every pod address ever seen.
            try
            {
                if (stored.RecordExists)
                {
                    await stored.ClearStateAsync().ConfigureAwait(true);
                }

                if (control.RecordExists)
                {
                    await control.ClearStateAsync().ConfigureAwait(true);
                }
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                LogPersistFailed(logger, _service, _instanceId, _breaker.Generation, exception.Message);
            }
        }
    }

    public async ValueTask<InstanceDetails> ApplyOperatorActionAsync(OperatorActionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            throw new ArgumentException("An operator action needs a reason.", nameof(request));
        }

        if (string.IsNullOrWhiteSpace(request.By))
        {
            throw new ArgumentException("An operator action needs the operator's name.", nameof(request));
        }

        if (!Enum.IsDefined(request.Action))
        {
            throw new ArgumentException($"Unknown operator action {(int)request.Action}.", nameof(request));
        }

        var now = timeProvider.GetUtcNow();
        var previous = _override;
        _override = request.Action == OperatorAction.Restore ? null : new InstanceOverride(request.Action, request.By, now, request.Reason);
        var what = request.Action == OperatorAction.Restore && previous is not null
            ? $"operator restore (was {previous.Describe()})"
            : $"operator {request.Action.ToString().ToLowerInvariant()}";
        Record(what, request.Reason, request.By);
        LogOperatorAction(logger, _service, _instanceId, request.Action, request.By, request.Reason);

        // The caller learns only after the action is durable (or that it could not be made so).
        await PersistControlAsync().ConfigureAwait(true);
        await AfterChangeAsync().ConfigureAwait(true);
        return CreateDetails();
    }

    public ValueTask<InstanceDetails> GetDetailsAsync() => ValueTask.FromResult(CreateDetails());

    private InstanceDetails CreateDetails() =>
        new(_service, _endpoint, CreateStatus(), _breaker.OpenUntil, _breaker.ActiveTrials, [.. _history]);

    public async ValueTask OnProbeCompletedAsync(long probeId, bool success, TimeSpan latency, string detail)
    {
        if (probeId != _probeInFlight)
        {
            return;
        }

        _probeInFlight = 0;
        if (_endpoint is null || !options.CurrentValue.LoadBalancing.HealthCheck.Enabled)
        {
            return;
        }

        instruments.HealthChecked(_service, _instanceId, success);
        if (success)
        {
            // A passing probe says the instance answers now: forget old failures; without calls the
            // latency drifts toward what the probe saw.
            _score.ProbePassed(latency);
        }

        if (_health.Record(success))
        {
            var reason = success
                ? $"health check succeeded ({detail})"
                : $"{_health.ConsecutiveFailures} consecutive failed health checks; last: {detail}";
            Record($"health {_health.State}", reason, Causes.HealthCheck);
            LogHealthChanged(logger, _health.State == HealthState.Unhealthy ? LogLevel.Warning : LogLevel.Information, _service, _instanceId, _health.State, reason);
        }

        await AfterChangeAsync().ConfigureAwait(true);
    }

    /// <summary>
    /// The periodic tick: starts a probe (never awaits it), and decays the failure count of an instance
    /// that gets no calls and no probes, so one old failure does not sideline it for good.
    /// </summary>
    private async Task OnTickAsync()
    {
        if (_endpoint is not { } endpoint || await RetireIfOrphanedAsync().ConfigureAwait(true))
        {
            return;
        }

        var current = options.CurrentValue;
        var healthCheck = current.LoadBalancing.HealthCheck;
        _score.Tick(probing: healthCheck.Enabled);
        if (healthCheck.Enabled)
        {
            StartProbe(endpoint, current.GetService(_service).HealthPath, healthCheck.Timeout);
        }

        ForgetSilentReporters();
        await AfterChangeAsync().ConfigureAwait(true);
    }

    private void StartProbe(ServiceEndpoint endpoint, string path, TimeSpan timeout)
    {
        if (_probeInFlight != 0)
        {
            // The previous probe has not answered yet (it has its own timeout): one at a time.
            return;
        }

        var probeId = ++_probeId;
        _probeInFlight = probeId;
        var target = new Uri(new Uri($"http://{endpoint.InstanceId}/"), path);
        var sink = this.AsReference<IInstanceProbeSink>();
        var (service, instanceId) = (_service, _instanceId);

        // Off the grain's scheduler: the request and its wait run on the thread pool, and only the
        // result comes back, as a message of its own.
        probe.Start(
            target,
            timeout,
            result => sink.OnProbeCompletedAsync(probeId, result.Success, result.Latency, result.Detail).AsTask(),
            exception => LogProbeResultLost(logger, service, instanceId, exception.Message),
            _deactivating.Token);
    }

    /// <summary>
    /// Only the service grain retires an instance, and only while it is active: an endpoint that left
    /// while it was not (deactivated, or its silo died) would keep this grain alive, probing a dead
    /// address, through its own probe timer. So each probe first asks this silo's catalog, which every
    /// source feeds, whether any source still lists the endpoint; unlisted for a whole <c>cache_ttl</c>
    /// (the period in which an active service grain re-configures its instances) means orphaned.
    /// </summary>
    private async Task<bool> RetireIfOrphanedAsync()
    {
        if (catalog.GetSets(_service).Any(set => set.Endpoints.Any(e => string.Equals(e.InstanceId, _instanceId, StringComparison.Ordinal))))
        {
            _unlistedSince = null;
            return false;
        }

        var now = timeProvider.GetUtcNow();
        _unlistedSince ??= now;
        if (now - _unlistedSince.Value < options.CurrentValue.CacheTtl)
        {
            return false;
        }

        LogOrphaned(logger, _service, _instanceId, now - _unlistedSince.Value);
        await RetireAsync().ConfigureAwait(true);
        return true;
    }

    /// <summary>
    /// Applies what follows from any change: records breaker transitions, persists a new generation,
    /// re-arms the breaker timer and pushes the status when routing (or, rate-limited, statistics) changed.
    /// </summary>
    private async Task AfterChangeAsync()
    {
        ObserveBreaker();
        ObserveQuorum();
        if (_breaker.Generation != _generationPersisted)
        {
            await PersistAsync().ConfigureAwait(true);
        }

        if (_historyDirty)
        {
            await PersistControlAsync().ConfigureAwait(true);
        }

        ScheduleBreakerTimer();
        Push(force: false);
    }

    private async Task PersistControlAsync()
    {
        control.State = new InstanceControlState { Override = _override, History = [.. _history] };
        try
        {
            await control.WriteStateAsync().ConfigureAwait(true);
            _historyDirty = false;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Kept in memory; the next change tries again.
            LogControlPersistFailed(logger, _service, _instanceId, exception.Message);
        }
    }

    private async Task PersistAsync()
    {
        var saved = _breaker.Save();
        saved.RampStartedAt = _rampStartedAt;
        stored.State = saved;
        try
        {
            await stored.WriteStateAsync().ConfigureAwait(true);
            _generationPersisted = saved.Generation;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The breaker keeps working from memory; the next transition (or timer) tries again.
            LogPersistFailed(logger, _service, _instanceId, saved.Generation, exception.Message);
        }
    }

    /// <summary>Records and logs breaker transitions since the last look (some are made lazily by queries).</summary>
    private void ObserveBreaker()
    {
        var generation = _breaker.Generation;
        if (generation == _generationSeen)
        {
            return;
        }

        _generationSeen = generation;
        if (_breaker.LastTransition is { } transition)
        {
            if (transition.To == CircuitState.Closed)
            {
                // Back from an open circuit: ramp up again (persisted with this transition's breaker state).
                _rampStartedAt = transition.At;
            }

            Record($"circuit {transition.From} -> {transition.To}", transition.Reason, Causes.CircuitBreaker);
            LogCircuitChanged(logger, transition.To == CircuitState.Open ? LogLevel.Warning : LogLevel.Information, _service, _instanceId, transition.From, transition.To, transition.Reason);
        }
    }

    /// <summary>One timer for whatever the breaker does next by time alone: end of the open period, or a lease expiring.</summary>
    private void ScheduleBreakerTimer()
    {
        var due = _breaker.OpenUntil ?? _breaker.NextLeaseExpiry;
        if (_retired || due == _breakerTimerDue)
        {
            return;
        }

        _breakerTimer?.Dispose();
        _breakerTimer = null;
        _breakerTimerDue = due;
        if (due is not { } at)
        {
            return;
        }

        var dueIn = at - timeProvider.GetUtcNow();
        _breakerTimer = this.RegisterGrainTimer(
            static (grain, _) => grain.OnBreakerTimerAsync(),
            this,
            new GrainTimerCreationOptions { DueTime = dueIn < TimeSpan.Zero ? TimeSpan.Zero : dueIn, Period = Timeout.InfiniteTimeSpan, Interleave = false, KeepAlive = true });
    }

    private Task OnBreakerTimerAsync()
    {
        _breakerTimer?.Dispose();
        _breakerTimer = null;
        _breakerTimerDue = null;
        if (_retired)
        {
            return Task.CompletedTask;
        }

        // A timer may fire a little before its instant (timers and the clock do not tick together):
        // AfterChange re-arms it for whatever is still due.
        _breaker.Update();
        return AfterChangeAsync();
    }

    private void Push(bool force)
    {
        // Also before ConfigureAsync: the service grain ignores an instance it does not list.
        if (_retired)
        {
            return;
        }

        var routing = CurrentRouting();
        var statistics = new StatisticsView(_score.EwmaLatencyMs, _score.CompletedCalls);
        var routingChanged = routing != _pushedRouting;
        if (!force && !routingChanged && statistics == _pushedStatistics)
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        if (!force && !routingChanged && now - _lastPush < StatisticsPushInterval)
        {
            // Statistics alone: the service grain republishes them at most once a second anyway.
            _statisticsTimer ??= this.RegisterGrainTimer(
                static (grain, _) =>
                {
                    grain._statisticsTimer?.Dispose();
                    grain._statisticsTimer = null;
                    grain.Push(force: false);
                    return Task.CompletedTask;
                },
                this,
                new GrainTimerCreationOptions { DueTime = _lastPush + StatisticsPushInterval - now, Period = Timeout.InfiniteTimeSpan, Interleave = false, KeepAlive = false });
            return;
        }

        _pushedRouting = routing;
        _pushedStatistics = statistics;
        _lastPush = now;
        _sequence++;

        // One-way: never waits on the service grain or its silo.
        _ = GrainFactory.GetGrain<IServiceGrain>(_service).OnInstanceChangedAsync(CreateStatus());
    }

    private RoutingView CurrentRouting() =>
        new(_breaker.State, _health.State, _breaker.TrialAvailable, _breaker.Generation, _backoffUntil, _score.Measured, _score.ConsecutiveFailures, _override);

    private InstanceStatus CreateStatus() => new(
        _instanceId,
        _incarnation,
        _sequence,
        _breaker.State,
        _health.State,
        _breaker.TrialAvailable,
        _score.EwmaLatencyMs,
        _score.ConsecutiveFailures,
        _score.CompletedCalls,
        _lastChangeReason,
        _breaker.Generation,
        _backoffUntil,
        _score.Measured,
        _override)
    {
        RampStartedAt = _rampStartedAt,
        ActiveReporters = _breaker.ActiveReporters,
    };

    private void ForgetSilentReporters()
    {
        var cutoff = timeProvider.GetUtcNow() - ReporterForgetAfter;
        foreach (var (reporter, position) in _reporters)
        {
            if (position.LastSeen < cutoff)
            {
                _reporters.Remove(reporter);
            }
        }
    }

    private void Record(string what, string reason, string by)
    {
        _lastChangeReason = reason;
        _historyDirty = true;
        _history.Enqueue(new InstanceTransition(timeProvider.GetUtcNow(), what, reason, by));
        while (_history.Count > HistoryLength)
        {
            _history.Dequeue();
        }
    }

    [LoggerMessage(EventId = 1500, Message = "{Service} {InstanceId}: circuit {From} -> {To} ({Reason})")]
    private static partial void LogCircuitChanged(ILogger logger, LogLevel level, string service, string instanceId, CircuitState from, CircuitState to, string reason);

    [LoggerMessage(EventId = 1505, Level = LogLevel.Information, Message = "{Service} {InstanceId}: no source has listed this endpoint for {Unlisted}; retired (its service grain was not active when it left)")]
    private static partial void LogOrphaned(ILogger logger, string service, string instanceId, TimeSpan unlisted);

    [LoggerMessage(EventId = 1501, Message = "{Service} {InstanceId}: health {State} ({Reason})")]
    private static partial void LogHealthChanged(ILogger logger, LogLevel level, string service, string instanceId, HealthState state, string reason);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Information, Message = "{Service} {InstanceId}: circuit {State} restored from storage (generation {Generation})")]
    private static partial void LogRestored(ILogger logger, string service, string instanceId, CircuitState state, long generation);

    [LoggerMessage(EventId = 1503, Level = LogLevel.Warning, Message = "{Service} {InstanceId}: could not persist breaker generation {Generation}: {Error}")]
    private static partial void LogPersistFailed(ILogger logger, string service, string instanceId, long generation, string error);

    [LoggerMessage(EventId = 1504, Level = LogLevel.Warning, Message = "{Service} {InstanceId}: a health probe result was lost: {Error}")]
    private static partial void LogProbeResultLost(ILogger logger, string service, string instanceId, string error);

    [LoggerMessage(EventId = 1506, Level = LogLevel.Warning, Message = "{Service} {InstanceId}: operator {Action} by {By}: {Reason}")]
    private static partial void LogOperatorAction(ILogger logger, string service, string instanceId, OperatorAction action, string by, string reason);

    [LoggerMessage(EventId = 1507, Level = LogLevel.Warning, Message = "{Service} {InstanceId}: could not persist the operator override and history: {Error}")]
    private static partial void LogControlPersistFailed(ILogger logger, string service, string instanceId, string error);

    /// <summary>Who or what made an automatic transition, as the history names it.</summary>
    private static class Causes
    {
        public const string CircuitBreaker = "circuit breaker";
        public const string HealthCheck = "health check";
        public const string Backpressure = "backpressure";
        public const string Storage = "storage";
    }

    /// <summary>Last sequence applied from one reporter, and when.</summary>
    private readonly record struct ReporterPosition(long Sequence, DateTimeOffset LastSeen);

    /// <summary>What the service grain decides availability and score from; a change is pushed at once.</summary>
    private readonly record struct RoutingView(
        CircuitState Circuit, HealthState Health, bool TrialAvailable, long Generation, DateTimeOffset? BackoffUntil, bool Measured, int Failures, InstanceOverride? Override);

    /// <summary>Statistics only; a change is pushed at most every <see cref="StatisticsPushInterval"/>.</summary>
    private readonly record struct StatisticsView(double EwmaLatencyMs, long CompletedCalls);
}
