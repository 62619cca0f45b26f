namespace TradingAgents.Actors.Routing;

/// <summary>
/// A router's own, local view of one instance, shared by every routing table that lists the instance:
/// calls in flight from this process, failures seen here in a row, local exclusions, the trial leases
/// this process holds and its outcome stream. A removed and re-added instance gets a new object, so
/// calls made to the old one release only the old count.
/// </summary>
internal sealed class EndpointLoad
{
    private readonly Lock _leaseGate = new();
    private readonly Stack<long> _leases = new();
    private int _inFlight;
    private int _localFailures;
    private long _leaseGeneration;
    private long _leasesUseBefore;
    private int _leaseRequestPending;
    private long _picks;
    private long _successes;
    private long _failures;
    private long _backpressure;
    private long _cancelled;

    /// <summary>Calls from this process that have not ended.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Consecutive failures seen by this process since its last success here.</summary>
    public int LocalFailures => Volatile.Read(ref _localFailures);

    /// <summary>
    /// Set when <see cref="LocalFailures"/> reached the failure threshold: this process keeps ordinary
    /// traffic away until the fleet view has moved on (a snapshot with another breaker generation), or
    /// for one version-check interval after its failures were delivered when the fleet keeps it closed.
    /// </summary>
    public bool Ejected { get; set; }

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) of the delivery of the report that ejected it; 0 until delivered.</summary>
    public long EjectionDeliveredAt { get; set; }

    /// <summary>The breaker generation the ejecting failures were admitted under.</summary>
    public long EjectedGeneration { get; set; }

    /// <summary>Timestamp until which the instance asked this process for no traffic (Retry-After); 0 for none.</summary>
    public long BackoffUntil { get; set; }

    /// <summary>The instance's outcome stream, created on first use.</summary>
    public OutcomeStream? Stream { get; set; }

    /// <summary>Calls this process admitted to the instance since it appeared (for windowed shares of traffic).</summary>
    public long Picks => Volatile.Read(ref _picks);

    public void Started()
    {
        Interlocked.Increment(ref _inFlight);
        Interlocked.Increment(ref _picks);
    }

    public void Ended() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Counts one finished call by its outcome (exported per instance while the instance is in this process's table).</summary>
    public void Finished(OutcomeKind kind) => Interlocked.Increment(ref FinishedCounter(kind));

    /// <summary>Calls from this process to the instance that finished with <paramref name="kind"/> since it appeared.</summary>
    public long FinishedWith(OutcomeKind kind) => Volatile.Read(ref FinishedCounter(kind));

    /// <summary>Counts a local failure; returns the run length.</summary>
    public int Failed() => Interlocked.Increment(ref _localFailures);

    public void Succeeded()
    {
        if (Volatile.Read(ref _localFailures) != 0)
        {
            Volatile.Write(ref _localFailures, 0);
        }
    }

    private ref long FinishedCounter(OutcomeKind kind)
    {
        switch (kind)
        {
            case OutcomeKind.Success:
                return ref _successes;
            case OutcomeKind.Backpressure:
                return ref _backpressure;
            case OutcomeKind.Cancelled:
                return ref _cancelled;
            default:
                return ref _failures;
        }
    }

    /// <summary>True when a lease request may start now (none is pending).</summary>
    public bool BeginLeaseRequest() => Interlocked.Exchange(ref _leaseRequestPending, 1) == 0;

    public void EndLeaseRequest() => Volatile.Write(ref _leaseRequestPending, 0);

    /// <summary>Keeps granted leases for later requests.</summary>
    public void AddLeases(TrialLeaseGrant grant, long useBeforeTimestamp)
    {
        lock (_leaseGate)
        {
            if (grant.Generation != _leaseGeneration)
            {
                _leases.Clear();
                _leaseGeneration = grant.Generation;
            }

            foreach (var id in grant.LeaseIds)
            {
                _leases.Push(id);
            }

            _leasesUseBefore = useBeforeTimestamp;
        }
    }

    /// <summary>Takes one held lease of <paramref name="generation"/>, if any.</summary>
    public bool TryTakeLease(long generation, out long leaseId)
    {
        lock (_leaseGate)
        {
            if (_leaseGeneration == generation && _leases.TryPop(out leaseId))
            {
                return true;
            }
        }

        leaseId = 0;
        return false;
    }

    /// <summary>Removes and returns every held lease that is stale (another generation) or past its use-before time.</summary>
    public (long Generation, long[] LeaseIds) TakeUnusable(long currentGeneration, long now)
    {
        lock (_leaseGate)
        {
            if (_leases.Count == 0 || (_leaseGeneration == currentGeneration && now < _leasesUseBefore))
            {
                return (0, []);
            }

            var ids = _leases.ToArray();
            _leases.Clear();
            return (_leaseGeneration, ids);
        }
    }

    /// <summary>Held leases.</summary>
    public int LeaseCount
    {
        get
        {
            lock (_leaseGate)
            {
                return _leases.Count;
            }
        }
    }
}
