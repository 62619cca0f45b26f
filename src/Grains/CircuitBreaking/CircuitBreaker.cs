using System.Globalization;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.CircuitBreaking;

/// <summary>
/// One endpoint's fleet-wide circuit breaker: a pure state machine driven by the ordered outcome
/// streams of every router and by an injected clock. Not thread-safe; its instance grain calls it from
/// one turn at a time, which is also what makes the half-open trial limit hold across the fleet.
/// </summary>
/// <remarks>
/// <para><see cref="Generation"/> grows by one on every transition. Routers admit calls under the
/// generation they see, and only outcomes of the current generation count: a call admitted before the
/// circuit opened that fails while it is half-open changes nothing.</para>
/// <para>Closed: consecutive failures are counted per reporter stream. A success from a reporter ends
/// its run; a run reaching the threshold opens the circuit. Cancelled calls and backpressure change no run,
/// so a backend answering 500, 200, 500, ... never opens it, and five failures in a row seen by one
/// router open it for every router.</para>
/// <para>Quorum (<see cref="CircuitBreakerOptions.Quorum"/> k, default 1): a reporter that sent any outcome in the
/// last <see cref="QuorumWindow"/> uses the instance. A run reaching the threshold opens the circuit only when at
/// least min(k, reporters using it) reporters have a current run of failures (the one at the threshold included),
/// so one sick gateway cannot eject an instance every other gateway reaches fine. Until then the run keeps
/// growing and every further failure of any reporter checks again; the held-back openings are counted
/// (<see cref="QuorumHolds"/>).</para>
/// <para>Open: nothing counts until <see cref="OpenUntil"/>; then half-open, applied lazily on any query
/// and by <see cref="Update"/> from the grain's timer.</para>
/// <para>HalfOpen: at most <see cref="CircuitBreakerOptions.HalfOpenMaxCalls"/> unique trial leases are
/// outstanding. A lease ends when its outcome arrives or at its expiry (grant time + lease lifetime, by
/// which its call has provably ended). A trial success closes the circuit, a trial failure reopens it;
/// a cancelled or backpressured trial only frees its slot.</para>
/// </remarks>
internal sealed class CircuitBreaker
{
    private readonly TimeProvider _timeProvider;
    private readonly int _failureThreshold;
    private readonly TimeSpan _recoveryTimeout;
    private readonly int _halfOpenMaxCalls;
    private readonly TimeSpan _leaseLifetime;
    private readonly int _quorum;

    // When each reporter last sent an outcome (any kind): who uses the instance, for the quorum.
    private readonly Dictionary<string, DateTimeOffset> _lastSeen = new(StringComparer.Ordinal);

    // Runs of consecutive failures per reporter while closed; a reporter without a run has no entry.
    private readonly Dictionary<string, int> _runs = new(StringComparer.Ordinal);
    private readonly List<TrialLease> _leases = [];

    private CircuitState _state = CircuitState.Closed;
    private long _generation;
    private DateTimeOffset _openUntil;
    private CircuitTransition? _lastTransition;
    private long _transitionCount;
    private long _nextLeaseId;

    /// <summary>Creates a closed breaker of generation 0.</summary>
    /// <param name="options">Threshold, recovery timeout and trial limit; copied, later edits are not seen.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="leaseLifetime">How long a trial lease may stay unreported before its slot is free again:
    /// the longest a router may hold it unused plus the longest its call may run, plus a margin.</param>
    /// <param name="firstLeaseId">The first lease id to grant; a random start keeps ids of two activations
    /// of the same grain apart. Positive.</param>
    public CircuitBreaker(CircuitBreakerOptions options, TimeProvider timeProvider, TimeSpan leaseLifetime, long? firstLeaseId = null)
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

        if (options.Quorum < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Quorum,
                "CircuitBreakerOptions.Quorum (quorum) must be at least 1.");
        }

        if (leaseLifetime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(leaseLifetime), leaseLifetime,
                "The trial lease lifetime must be positive.");
        }

        _timeProvider = timeProvider;
        _failureThreshold = options.FailureThreshold;
        _recoveryTimeout = options.RecoveryTimeout;
        _halfOpenMaxCalls = options.HalfOpenMaxCalls;
        _leaseLifetime = leaseLifetime;
        _quorum = options.Quorum;
        _nextLeaseId = firstLeaseId ?? Random.Shared.NextInt64(1, 1L << 52);
        if (_nextLeaseId < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(firstLeaseId), firstLeaseId, "The first lease id must be positive.");
        }
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

    /// <summary>Counts transitions (persisted); outcomes count only when admitted under the current one.</summary>
    public long Generation
    {
        get
        {
            Advance();
            return _generation;
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

    /// <summary>The longest current run of consecutive failures of one reporter (for display).</summary>
    public int ConsecutiveFailures => _runs.Count == 0 ? 0 : _runs.Values.Max();

    /// <summary>How long after its last outcome a reporter still counts as using the instance (for the quorum).</summary>
    public static readonly TimeSpan QuorumWindow = TimeSpan.FromMinutes(1);

    /// <summary>Reporters that sent an outcome within the last <see cref="QuorumWindow"/>.</summary>
    public int ActiveReporters
    {
        get
        {
            ForgetSilentReporters(_timeProvider.GetUtcNow());
            return _lastSeen.Count;
        }
    }

    /// <summary>Times a run reached the threshold but too few reporters were failing to open the circuit.</summary>
    public long QuorumHolds { get; private set; }

    /// <summary>Reporters with a current run of failures (bounded by the routers that failed since the last success).</summary>
    public int ReportersWithRuns => _runs.Count;

    /// <summary>Trial leases of this half-open period, neither reported nor expired.</summary>
    public int ActiveTrials
    {
        get
        {
            Refresh();
            return _leases.Count;
        }
    }

    /// <summary>Whether a trial lease could be granted now.</summary>
    public bool TrialAvailable
    {
        get
        {
            Refresh();
            return _state == CircuitState.HalfOpen && _leases.Count < _halfOpenMaxCalls;
        }
    }

    /// <summary>When the next outstanding lease expires (a timer instant); null when none is outstanding.</summary>
    public DateTimeOffset? NextLeaseExpiry
    {
        get
        {
            Refresh();
            return _leases.Count == 0 ? null : _leases.Min(static l => l.Expiry);
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

    /// <summary>State changes made by this object (including lazy ones); compare before and after a turn.</summary>
    public long TransitionCount
    {
        get
        {
            Advance();
            return _transitionCount;
        }
    }

    /// <summary>Applies what is due by time alone (open → half-open, expired leases). Call it from a timer.</summary>
    /// <returns>True when the state changed.</returns>
    public bool Update()
    {
        var changed = Advance();
        DropExpiredLeases(_timeProvider.GetUtcNow());
        return changed;
    }

    /// <summary>
    /// Leases up to <paramref name="count"/> trial calls to <paramref name="holder"/> while half-open, as
    /// long as fewer than <see cref="CircuitBreakerOptions.HalfOpenMaxCalls"/> are outstanding.
    /// </summary>
    /// <returns>The granted leases, oldest first; empty when closed, open, or every slot is held.</returns>
    public IReadOnlyList<TrialLease> AcquireTrials(string holder, int count)
    {
        ArgumentNullException.ThrowIfNull(holder);
        Refresh();
        if (_state != CircuitState.HalfOpen || count < 1)
        {
            return [];
        }

        var expiry = AddClamped(_timeProvider.GetUtcNow(), _leaseLifetime);
        var granted = new List<TrialLease>(Math.Min(count, _halfOpenMaxCalls));
        while (granted.Count < count && _leases.Count < _halfOpenMaxCalls)
        {
            var lease = new TrialLease(_nextLeaseId++, holder, expiry);
            _leases.Add(lease);
            granted.Add(lease);
        }

        return granted;
    }

    /// <summary>Applies one entry of <paramref name="reporter"/>'s ordered outcome stream.</summary>
    /// <param name="reporter">The stream (router) that made the calls.</param>
    /// <param name="kind">How the calls ended.</param>
    /// <param name="count">Calls in the entry (successes may be coalesced).</param>
    /// <param name="generation">The generation the calls were admitted under.</param>
    /// <param name="leaseId">The trial lease the call held; 0 for an ordinary call.</param>
    /// <param name="error">Short cause of a failure, kept in the transition reason.</param>
    /// <returns>True when the state changed (a lazy open → half-open included).</returns>
    public bool Record(string reporter, OutcomeKind kind, int count, long generation, long leaseId, string? error = null)
    {
        ArgumentNullException.ThrowIfNull(reporter);
        var changed = Refresh();
        var now = _timeProvider.GetUtcNow();
        _lastSeen[reporter] = now;
        ForgetSilentReporters(now);
        if (generation != _generation || count < 1)
        {
            // Admitted under another state: says nothing about this one.
            return changed;
        }

        switch (_state)
        {
            case CircuitState.Closed:
                return RecordClosed(reporter, kind, count, error) | changed;
            case CircuitState.HalfOpen when leaseId != 0:
                return RecordTrial(reporter, kind, leaseId, error) | changed;
            default:
                // Open, or an ordinary call while half-open (no router sends one): nothing to decide.
                return changed;
        }
    }

    /// <summary>The part of the state that is persisted.</summary>
    public CircuitBreakerState Save()
    {
        Advance();
        return new CircuitBreakerState
        {
            State = _state,
            Generation = _generation,
            OpenUntil = _openUntil,
            LastFrom = _lastTransition?.From,
            LastAt = _lastTransition?.At ?? default,
            LastReason = _lastTransition?.Reason,
        };
    }

    /// <summary>
    /// Takes over a persisted state. Closed and open restore as they were (an open period that has ended
    /// meanwhile turns half-open on the next query); half-open restores without leases under the next
    /// generation, since leases granted by the lost activation are unknown here.
    /// </summary>
    /// <returns>True when the restore itself moved the generation (the new state should be saved).</returns>
    public bool Restore(CircuitBreakerState saved)
    {
        ArgumentNullException.ThrowIfNull(saved);
        _runs.Clear();
        _leases.Clear();
        _state = saved.State;
        _generation = saved.Generation;
        _openUntil = saved.OpenUntil;
        _lastTransition = saved.LastFrom is { } from
            ? new CircuitTransition(from, saved.State, saved.LastAt, saved.LastReason ?? string.Empty)
            : null;
        if (saved.State != CircuitState.HalfOpen)
        {
            return false;
        }

        _generation++;
        _transitionCount++;
        _lastTransition = new CircuitTransition(CircuitState.HalfOpen, CircuitState.HalfOpen, _timeProvider.GetUtcNow(),
            "half-open period restored after the grain moved; leases of the previous activation no longer count");
        return true;
    }

    private bool RecordClosed(string reporter, OutcomeKind kind, int count, string? error)
    {
        switch (kind)
        {
            case OutcomeKind.Success:
                _runs.Remove(reporter);
                return false;
            case OutcomeKind.Failure:
                var run = _runs.TryGetValue(reporter, out var held) ? held + count : count;
                _runs[reporter] = run;

                // With a quorum, another reporter's run may be the one at the threshold: this failure can complete it.
                var (longest, holder) = run >= _failureThreshold || _quorum == 1 ? (run, reporter) : LongestRun();
                if (longest < _failureThreshold)
                {
                    return false;
                }

                var required = Math.Min(_quorum, _lastSeen.Count);
                var failing = FailingReporters();
                if (failing < required)
                {
                    QuorumHolds++;
                    return false;
                }

                var what = longest == 1 ? "1 consecutive failure" : $"{longest} consecutive failures";
                var quorum = _quorum > 1 ? $" ({failing} of {_lastSeen.Count} reporters failing, quorum {_quorum})" : string.Empty;
                return Open(WithCause($"{what} seen by {holder}{quorum}", "; last: ", error));
            default:
                // Cancelled: the caller gave up; backpressure: the instance asked for less. Neither says it is broken.
                return false;
        }
    }

    /// <summary>Reporters using the instance whose current run has a failure; with a quorum, a run at the threshold
    /// of one reporter also opens the circuit when this reaches the quorum through another reporter's failure.</summary>
    private int FailingReporters()
    {
        var failing = 0;
        foreach (var reporter in _runs.Keys)
        {
            if (_lastSeen.ContainsKey(reporter))
            {
                failing++;
            }
        }

        return failing;
    }

    private (int Run, string Reporter) LongestRun()
    {
        var best = (Run: 0, Reporter: string.Empty);
        foreach (var (reporter, run) in _runs)
        {
            if (run > best.Run)
            {
                best = (run, reporter);
            }
        }

        return best;
    }

    private void ForgetSilentReporters(DateTimeOffset now)
    {
        if (_lastSeen.Count == 0)
        {
            return;
        }

        var cutoff = now - QuorumWindow;
        foreach (var (reporter, seen) in _lastSeen)
        {
            if (seen < cutoff)
            {
                _lastSeen.Remove(reporter);
                if (_quorum > 1)
                {
                    // A silent reporter's old run is no vote against the instance; with k = 1 runs keep today's meaning.
                    _runs.Remove(reporter);
                }
            }
        }
    }

    private bool RecordTrial(string reporter, OutcomeKind kind, long leaseId, string? error)
    {
        var index = _leases.FindIndex(l => l.Id == leaseId);
        if (index < 0)
        {
            // Unknown or expired: its slot has already been given back.
            return false;
        }

        _leases.RemoveAt(index);
        return kind switch
        {
            OutcomeKind.Success => TransitionTo(CircuitState.Closed, _timeProvider.GetUtcNow(), $"trial call of {reporter} succeeded"),
            OutcomeKind.Failure => Open(WithCause($"trial call of {reporter} failed", ": ", error)),
            _ => false,
        };
    }

    private bool Refresh()
    {
        var changed = Advance();
        DropExpiredLeases(_timeProvider.GetUtcNow());
        return changed;
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
        // Runs and leases belong to one state; whatever comes next starts without any.
        _runs.Clear();
        _leases.Clear();
        _lastTransition = new CircuitTransition(_state, state, at, reason);
        _state = state;
        _generation++;
        _transitionCount++;
        return true;
    }

    private void DropExpiredLeases(DateTimeOffset now) => _leases.RemoveAll(l => l.Expiry <= now);

    private static string WithCause(string what, string separator, string? error) =>
        string.IsNullOrWhiteSpace(error) ? what : what + separator + error;

    private static DateTimeOffset AddClamped(DateTimeOffset instant, TimeSpan duration) =>
        duration > DateTimeOffset.MaxValue - instant ? DateTimeOffset.MaxValue : instant + duration;
}
