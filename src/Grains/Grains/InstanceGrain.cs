using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TradingAgents.Actors.CircuitBreaking;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Diagnostics;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Health;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Grains;

/// <summary>
/// One endpoint of one service. Every caller in the fleet reports its outcomes here, so the breaker
/// opens on five failures seen anywhere and its half-open trials are leased fleet-wide. Probes the
/// endpoint on a jittered timer. Pushes every change a selection depends on to the service grain.
/// </summary>
internal sealed partial class InstanceGrain(
    IOptionsMonitor<ServiceDiscoveryOptions> options,
    HealthProbe probe,
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
    private long _lastLeaseId;

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

    public async ValueTask ReportOutcomesAsync(OutcomeReport report)
    {
        // Interim adaptation of the old single-outcome rules; the ordered-stream breaker replaces it.
        ArgumentNullException.ThrowIfNull(report);
        if (_endpoint is null)
        {
            // The endpoint was removed (or never configured here): a late report must not revive it.
            DeactivateOnIdle();
            return;
        }

        foreach (var entry in report.Entries)
        {
            if (entry.Kind == OutcomeKind.Cancelled)
            {
                continue;
            }

            _completedCalls += entry.Count;
            var meanMs = entry.TotalLatency.TotalMilliseconds / Math.Max(1, entry.Count);
            _ewmaLatencyMs = _hasLatency ? meanMs + (Math.Pow(1 - EwmaAlpha, entry.Count) * (_ewmaLatencyMs - meanMs)) : meanMs;
            _hasLatency = true;
            var success = entry.Kind != OutcomeKind.Failure;
            _ = entry.TrialLeaseId != 0
                ? _breaker.ReleaseTrial(success, entry.Error)
                : _breaker.RecordOutcome(success, entry.Error);
        }

        await PushAsync().ConfigureAwait(true);
    }

    public async ValueTask<TrialLeaseGrant> AcquireTrialLeasesAsync(string routerId, int count)
    {
        var leases = ImmutableArray.CreateBuilder<long>();
        for (var i = 0; i < count && _endpoint is not null && _breaker.TryAcquireTrial(); i++)
        {
            leases.Add(++_lastLeaseId);
        }

        ObserveBreaker();
        if (leases.Count > 0 && !IsTrialAvailable())
        {
            ScheduleBreakerTimer(options.CurrentValue.GetTimeout(_service));
            await PushAsync().ConfigureAwait(true);
        }

        return leases.Count == 0
            ? TrialLeaseGrant.None
            : new TrialLeaseGrant(leases.ToImmutable(), _breaker.TransitionCount, timeProvider.GetUtcNow() + options.CurrentValue.GetTimeout(_service));
    }

    public ValueTask RetireAsync()
    {
        _endpoint = null;
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
        if (_endpoint is not { } endpoint)
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
        _lastChangeReason,
        _breaker.TransitionCount,
        null,
        _hasLatency);

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

    [LoggerMessage(EventId = 1501, Message = "{Service} {InstanceId}: health {State} ({Reason})")]
    private static partial void LogHealthChanged(ILogger logger, LogLevel level, string service, string instanceId, HealthState state, string reason);
}
