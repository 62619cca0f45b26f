using System.Globalization;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Discovery;

namespace TradingAgents.Actors.CircuitBreaking;

/// <summary>
/// One endpoint's fleet-wide circuit breaker: a pure state machine driven by call outcomes and by an
/// injected clock. Not thread-safe; its instance grain calls it from one turn at a time, which is also
/// what makes the half-open trial limit hold across every gateway of the fleet.
/// </summary>
/// <remarks>
/// <para>Closed: calls flow and consecutive failures are counted; reaching the threshold opens the circuit.</para>
/// <para>Open: no calls until <see cref="OpenUntil"/>. Outcomes of calls that began before it opened
/// change nothing, so late failures cannot stretch the open period.</para>
/// <para>HalfOpen: at most <see cref="CircuitBreakerOptions.HalfOpenMaxCalls"/> trial leases at once,
/// each expiring after the lease timeout so that a caller that died cannot hold one forever. The first
/// trial outcome decides: success closes, failure reopens. A failure of an ordinary call reopens too.</para>
/// <para>The Open → HalfOpen change is applied lazily by every member. Operations return whether the
/// state changed; <see cref="TransitionCount"/> also reveals a change made by a query, and
/// <see cref="OpenUntil"/> is when the grain should set a timer and call <see cref="Update"/> to push it.</para>
/// </remarks>
internal sealed class CircuitBreaker
{
    private readonly TimeProvider _timeProvider;
    private readonly int _failureThreshold;
    private readonly TimeSpan _recoveryTimeout;
    private readonly TimeSpan _trialLeaseTimeout;

    // Expiry instants of the trial leases granted in the current half-open period, oldest first.
    private readonly DateTimeOffset[] _leaseExpiries;
    private int _leaseCount;

    private CircuitState _state = CircuitState.Closed;
    private DateTimeOffset _openUntil;
    private int _consecutiveFailures;
    private CircuitTransition? _lastTransition;
    private long _transitionCount;

    /// <summary>Creates a closed breaker.</summary>
    /// <param name="options">Threshold, recovery timeout and trial limit; copied, later edits are not seen.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="trialLeaseTimeout">How long a granted trial may stay unreported before its slot is
    /// given to another caller; the service's call timeout is the natural value.</param>
    public CircuitBreaker(CircuitBreakerOptions options, TimeProvider timeProvider, TimeSpan trialLeaseTimeout)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (options.FailureThreshold < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.FailureThreshold,
                "CircuitBreakerOptions.FailureThreshold (failure_threshold) must be at least 1.");
        }

        if (options.RecoveryTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RecoveryTimeout,
                "CircuitBreakerOptions.RecoveryTimeout (recovery_timeout) must be positive.");
        }

        if (options.HalfOpenMaxCalls < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.HalfOpenMaxCalls,
                "CircuitBreakerOptions.HalfOpenMaxCalls (half_open_max_calls) must be at least 1.");
        }

        if (trialLeaseTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(trialLeaseTimeout), trialLeaseTimeout,
                "The trial lease timeout must be positive.");
        }

        _timeProvider = timeProvider;
        _failureThreshold = options.FailureThreshold;
        _recoveryTimeout = options.RecoveryTimeout;
        _trialLeaseTimeout = trialLeaseTimeout;
        _leaseExpiries = new DateTimeOffset[options.HalfOpenMaxCalls];
    }

    /// <summary>The current state, with an elapsed open period already turned into half-open.</summary>
    public CircuitState State
    {
        get
        {
            Advance();
            return _state;
        }
    }

    /// <summary>When the open period ends (the grain's timer instant); null unless open.</summary>
    public DateTimeOffset? OpenUntil
    {
        get
        {
            Advance();
            return _state == CircuitState.Open ? _openUntil : null;
        }
    }

    /// <summary>Failed outcomes since the last successful one, in any state.</summary>
    public int ConsecutiveFailures => _consecutiveFailures;

    /// <summary>Trial leases granted in this half-open period, neither decided nor expired.</summary>
    public int ActiveTrials
    {
        get
        {
            Advance();
            DropExpiredLeases(_timeProvider.GetUtcNow());
            return _leaseCount;
        }
    }

    /// <summary>The most recent state change; null while the breaker has never left closed.</summary>
    public CircuitTransition? LastTransition
    {
        get
        {
            Advance();
            return _lastTransition;
        }
    }

    /// <summary>State changes so far; compare before and after a turn to learn whether to push a change.</summary>
    public long TransitionCount
    {
        get
        {
            Advance();
            return _transitionCount;
        }
    }

    /// <summary>Applies a change that is due by time alone (open → half-open). Call it from the timer set for <see cref="OpenUntil"/>.</summary>
    /// <returns>True when the state changed.</returns>
    public bool Update() => Advance();

    /// <summary>
    /// Leases one trial call while half-open. False when closed (calls need no lease), open, or every
    /// trial slot is held by an unexpired lease.
    /// </summary>
    public bool TryAcquireTrial()
    {
        Advance();
        if (_state != CircuitState.HalfOpen)
        {
            return false;
        }

        var now = _timeProvider.GetUtcNow();
        DropExpiredLeases(now);
        if (_leaseCount == _leaseExpiries.Length)
        {
            return false;
        }

        _leaseExpiries[_leaseCount++] = AddClamped(now, _trialLeaseTimeout);
        return true;
    }

    /// <summary>Records the outcome of an ordinary (non-trial) call.</summary>
    /// <param name="success">Whether the call succeeded.</param>
    /// <param name="error">Short cause of a failure, kept in the transition reason.</param>
    /// <returns>True when the state changed.</returns>
    public bool RecordOutcome(bool success, string? error = null)
    {
        var changed = Advance();
        if (success)
        {
            // Only a trial may close a half-open circuit: this call began before the trial period, so
            // its success says less about recovery than the trials that are about to report.
            _consecutiveFailures = 0;
            return changed;
        }

        _consecutiveFailures++;
        return _state switch
        {
            CircuitState.Closed when _consecutiveFailures >= _failureThreshold =>
                Open(WithCause(_consecutiveFailures == 1 ? "1 consecutive failure" : $"{_consecutiveFailures} consecutive failures", "; last: ", error)) | changed,
            CircuitState.HalfOpen => Open(WithCause("call failed while half-open", ": ", error)) | changed,
            _ => changed,
        };
    }

    /// <summary>
    /// Records the outcome of a trial call leased by <see cref="TryAcquireTrial"/>. While half-open it
    /// decides the circuit: success closes it, failure reopens it for another recovery timeout. Reported
    /// after the circuit has already moved on, it counts as an ordinary outcome.
    /// </summary>
    /// <param name="success">Whether the trial call succeeded.</param>
    /// <param name="error">Short cause of a failure, kept in the transition reason.</param>
    /// <returns>True when the state changed.</returns>
    public bool ReleaseTrial(bool success, string? error = null)
    {
        var changed = Advance();
        if (_state != CircuitState.HalfOpen)
        {
            return RecordOutcome(success, error) | changed;
        }

        if (success)
        {
            _consecutiveFailures = 0;
            return TransitionTo(CircuitState.Closed, _timeProvider.GetUtcNow(), "trial call succeeded");
        }

        _consecutiveFailures++;
        return Open(WithCause("trial call failed", ": ", error));
    }

    private bool Advance()
    {
        if (_state != CircuitState.Open || _timeProvider.GetUtcNow() < _openUntil)
        {
            return false;
        }

        var seconds = _recoveryTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        return TransitionTo(CircuitState.HalfOpen, _openUntil, $"recovery timeout of {seconds} s elapsed");
    }

    private bool Open(string reason)
    {
        var now = _timeProvider.GetUtcNow();
        _openUntil = AddClamped(now, _recoveryTimeout);
        return TransitionTo(CircuitState.Open, now, reason);
    }

    private bool TransitionTo(CircuitState state, DateTimeOffset at, string reason)
    {
        // Leases belong to one half-open period; whatever comes next starts without any.
        _leaseCount = 0;
        _lastTransition = new CircuitTransition(_state, state, at, reason);
        _state = state;
        _transitionCount++;
        return true;
    }

    private void DropExpiredLeases(DateTimeOffset now)
    {
        var kept = 0;
        for (var i = 0; i < _leaseCount; i++)
        {
            if (_leaseExpiries[i] > now)
            {
                _leaseExpiries[kept++] = _leaseExpiries[i];
            }
        }

        _leaseCount = kept;
    }

    private static string WithCause(string what, string separator, string? error) =>
        string.IsNullOrWhiteSpace(error) ? what : what + separator + error;

    private static DateTimeOffset AddClamped(DateTimeOffset instant, TimeSpan duration) =>
        duration > DateTimeOffset.MaxValue - instant ? DateTimeOffset.MaxValue : instant + duration;
}
