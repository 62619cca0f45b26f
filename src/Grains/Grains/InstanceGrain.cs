using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TradingAgents.Actors.CircuitBreaking;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Diagnostics;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Health;

namespace TradingAgents.Actors.Grains;

/// <summary>
/// One endpoint of one service. Every caller in the fleet reports its outcomes here, so the breaker
/// opens on five failures seen anywhere and its half-open trials are leased fleet-wide. Probes the
/// endpoint on a jittered timer. Pushes every change a selection depends on to the service grain.
/// </summary>
internal sealed partial class InstanceGrain(
    IOptionsMonitor<ServiceDiscoveryOptions> options,
    HealthProbe probe,
    EndpointCatalog catalog,
    DiscoveryInstruments instruments,
    TimeProvider timeProvider,
    ILogger<InstanceGrain> logger) : Grain, IInstanceGrain
{
    /// <summary>Weight of the newest sample in the latency average; about the last five calls dominate.</summary>
    internal const double EwmaAlpha = 0.3;

    private const int HistoryLength = 32;

    private static readonly TimeSpan LeaseRecheckInterval = TimeSpan.FromSeconds(1);

    private readonly Guid _incarnation = Guid.NewGuid();
    private readonly Queue<InstanceTransition> _history = new();
    private string _service = string.Empty;
    private string _instanceId = string.Empty;
    private ServiceEndpoint? _endpoint;
    private CircuitBreaker _breaker = null!;
    private HealthTracker _health = null!;
    private IGrainTimer? _probeTimer;
    private IGrainTimer? _breakerTimer;
    private double _ewmaLatencyMs;
    private bool _hasLatency;
    private long _completedCalls;
    private long _sequence;
    private string? _lastChangeReason;
    private long _breakerTransitionsSeen;
    private DateTimeOffset? _unlistedSince;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_service, _instanceId) = InstanceKey.Parse(this.GetPrimaryKeyString());
        var current = options.CurrentValue;
        _breaker = new CircuitBreaker(current.CircuitBreaker, timeProvider, current.GetTimeout(_service));
        _health = new HealthTracker(current.LoadBalancing.HealthCheck.FailureThreshold);
        return Task.CompletedTask;
    }

    public ValueTask<InstanceStatus> ConfigureAsync(ServiceEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!string.Equals(endpoint.InstanceId, _instanceId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Endpoint {endpoint.InstanceId} does not belong to instance grain {_service}/{_instanceId}.", nameof(endpoint));
        }

        _endpoint = endpoint;
        var healthCheck = options.CurrentValue.LoadBalancing.HealthCheck;
        if (healthCheck.Enabled && _probeTimer is null)
        {
            // Jitter the first probe over one interval so that a hundred endpoints added together
            // do not probe in lockstep ever after.
            var jitter = TimeSpan.FromTicks((long)(Random.Shared.NextDouble() * healthCheck.Interval.Ticks));
            _probeTimer = this.RegisterGrainTimer(
                static (grain, ct) => grain.ProbeAsync(ct),
                this,
                new GrainTimerCreationOptions { DueTime = jitter, Period = healthCheck.Interval, Interleave = false, KeepAlive = true });
        }
        else if (!healthCheck.Enabled && _probeTimer is not null)
        {
            _probeTimer.Dispose();
            _probeTimer = null;
            _health.Reset();
        }

        return ValueTask.FromResult(CreateStatus());
    }

    public async ValueTask ReportOutcomeAsync(CallOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (_endpoint is null)
        {
            // The endpoint was removed (or never configured here): a late report must not revive it.
            DeactivateOnIdle();
            return;
        }

        _completedCalls++;
        var latencyMs = outcome.Latency.TotalMilliseconds;
        _ewmaLatencyMs = _hasLatency ? (EwmaAlpha * latencyMs) + ((1 - EwmaAlpha) * _ewmaLatencyMs) : latencyMs;
        _hasLatency = true;

        _ = outcome.IsTrial
            ? _breaker.ReleaseTrial(outcome.Success, outcome.Error)
            : _breaker.RecordOutcome(outcome.Success, outcome.Error);
        await PushAsync().ConfigureAwait(true);
    }

    public async ValueTask ReportSuccessesAsync(SuccessBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch.Count, 1, nameof(batch));
        if (_endpoint is null)
        {
            DeactivateOnIdle();
            return;
        }

        _completedCalls += batch.Count;

        // n samples of the same value m move the average to m + (1 - α)^n × (average - m).
        var meanMs = batch.TotalLatency.TotalMilliseconds / batch.Count;
        _ewmaLatencyMs = _hasLatency ? meanMs + (Math.Pow(1 - EwmaAlpha, batch.Count) * (_ewmaLatencyMs - meanMs)) : meanMs;
        _hasLatency = true;
        _breaker.RecordOutcome(success: true);
        await PushAsync().ConfigureAwait(true);
    }

    public async ValueTask<bool> TryAcquireTrialAsync()
    {
        var granted = _endpoint is not null && _breaker.TryAcquireTrial();
        ObserveBreaker();
        if (granted && !IsTrialAvailable())
        {
            // Every slot is leased: tell the service grain now, and again when the oldest lease can
            // have expired, so a caller that died does not keep the endpoint from recovering.
            ScheduleBreakerTimer(options.CurrentValue.GetTimeout(_service));
            await PushAsync().ConfigureAwait(true);
        }

        return granted;
    }

    public ValueTask RetireAsync()
    {
        _endpoint = null;
        instruments.ForgetInstance(_service, _instanceId);
        _probeTimer?.Dispose();
        _probeTimer = null;
        _breakerTimer?.Dispose();
        _breakerTimer = null;
        DeactivateOnIdle();
        return ValueTask.CompletedTask;
    }

    public ValueTask<InstanceDetails> GetDetailsAsync()
    {
        ObserveBreaker();
        return ValueTask.FromResult(new InstanceDetails(_service, _endpoint, CreateStatus(), _breaker.OpenUntil, _breaker.ActiveTrials, [.. _history]));
    }

    private async Task ProbeAsync(CancellationToken cancellationToken)
    {
        if (_endpoint is not { } endpoint || await RetireIfOrphanedAsync().ConfigureAwait(true))
        {
            return;
        }

        var current = options.CurrentValue;
        var path = current.GetService(_service).HealthPath;
        var target = new Uri(new Uri($"http://{endpoint.InstanceId}/"), path);
        var result = await probe.ProbeAsync(target, current.LoadBalancing.HealthCheck.Timeout, cancellationToken).ConfigureAwait(true);
        if (_endpoint is null)
        {
            return;
        }

        instruments.HealthChecked(_service, _instanceId, result.Success);
        if (_health.Record(result.Success))
        {
            var reason = result.Success
                ? $"health check succeeded ({result.Detail})"
                : $"{_health.ConsecutiveFailures} consecutive failed health checks; last: {result.Detail}";
            Record($"health {_health.State}", reason);
            LogHealthChanged(logger, _health.State == HealthState.Unhealthy ? LogLevel.Warning : LogLevel.Information, _service, _instanceId, _health.State, reason);
            await PushAsync().ConfigureAwait(true);
        }
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
    /// Records and reacts to breaker transitions since the last look. The breaker turns open into
    /// half-open lazily, on whichever query comes first, so transitions are detected by count rather
    /// than by the return value of one operation.
    /// </summary>
    private void ObserveBreaker()
    {
        var transitions = _breaker.TransitionCount;
        if (transitions == _breakerTransitionsSeen)
        {
            return;
        }

        _breakerTransitionsSeen = transitions;
        if (_breaker.LastTransition is { } transition)
        {
            Record($"circuit {transition.From} -> {transition.To}", transition.Reason);
            LogCircuitChanged(logger, transition.To == CircuitState.Open ? LogLevel.Warning : LogLevel.Information, _service, _instanceId, transition.From, transition.To, transition.Reason);
        }

        if (_breaker.OpenUntil is { } openUntil)
        {
            ScheduleBreakerTimer(openUntil - timeProvider.GetUtcNow());
        }
    }

    /// <summary>A one-shot timer that re-evaluates the breaker (open → half-open, expired leases) and pushes.</summary>
    private void ScheduleBreakerTimer(TimeSpan dueIn)
    {
        _breakerTimer?.Dispose();
        _breakerTimer = this.RegisterGrainTimer(
            static (grain, _) => grain.OnBreakerTimerAsync(),
            this,
            new GrainTimerCreationOptions { DueTime = dueIn < TimeSpan.Zero ? TimeSpan.Zero : dueIn, Period = Timeout.InfiniteTimeSpan, Interleave = false, KeepAlive = true });
    }

    private async Task OnBreakerTimerAsync()
    {
        _breakerTimer?.Dispose();
        _breakerTimer = null;
        if (_endpoint is null)
        {
            return;
        }

        _breaker.Update();
        if (_breaker.OpenUntil is { } openUntil)
        {
            // The timer ran a little before the open period ended (timers and the wall clock do not
            // tick together): look again then, or nothing would tell the service grain to send trials.
            ScheduleBreakerTimer(openUntil - timeProvider.GetUtcNow());
            return;
        }

        if (_breaker.State == CircuitState.HalfOpen && !IsTrialAvailable())
        {
            // Every trial lease is still held; look again shortly rather than wait for traffic
            // that the service grain will not send while it believes no trial is free.
            ScheduleBreakerTimer(LeaseRecheckInterval);
        }

        await PushAsync().ConfigureAwait(true);
    }

    private bool IsTrialAvailable() =>
        _breaker.State == CircuitState.HalfOpen && _breaker.ActiveTrials < options.CurrentValue.CircuitBreaker.HalfOpenMaxCalls;

    private InstanceStatus CreateStatus() => new(
        _instanceId,
        _incarnation,
        _sequence,
        _breaker.State,
        _health.State,
        IsTrialAvailable(),
        _ewmaLatencyMs,
        _breaker.ConsecutiveFailures,
        _completedCalls,
        _lastChangeReason);

    private Task PushAsync()
    {
        ObserveBreaker();
        _sequence++;
        return GrainFactory.GetGrain<IServiceGrain>(_service).OnInstanceChangedAsync(CreateStatus()).AsTask();
    }

    private void Record(string what, string reason)
    {
        _lastChangeReason = reason;
        _history.Enqueue(new InstanceTransition(timeProvider.GetUtcNow(), what, reason));
        while (_history.Count > HistoryLength)
        {
            _history.Dequeue();
        }
    }

    [LoggerMessage(EventId = 1500, Message = "{Service} {InstanceId}: circuit {From} -> {To} ({Reason})")]
    private static partial void LogCircuitChanged(ILogger logger, LogLevel level, string service, string instanceId, CircuitState from, CircuitState to, string reason);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Information, Message = "{Service} {InstanceId}: no source has listed this endpoint for {Unlisted}; retired (its service grain was not active when it left)")]
    private static partial void LogOrphaned(ILogger logger, string service, string instanceId, TimeSpan unlisted);

    [LoggerMessage(EventId = 1501, Message = "{Service} {InstanceId}: health {State} ({Reason})")]
    private static partial void LogHealthChanged(ILogger logger, LogLevel level, string service, string instanceId, HealthState state, string reason);
}
