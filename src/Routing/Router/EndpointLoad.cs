namespace TradingAgents.Actors.Routing;

/// <summary>
/// A router's own, local view of one instance's load, shared by every routing table that lists the
/// instance: calls in flight from this process and failures seen here in a row. A removed and re-added
/// instance gets a new object, so calls made to the old one release only the old count.
/// </summary>
internal sealed class EndpointLoad
{
    private int _inFlight;
    private int _localFailures;

    /// <summary>Calls from this process that have not ended.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Consecutive failures seen by this process since its last success here.</summary>
    public int LocalFailures => Volatile.Read(ref _localFailures);

    /// <summary>Set when <see cref="LocalFailures"/> reached the failure threshold: excluded locally until a
    /// newer fleet view (a snapshot with another breaker generation or version) arrives.</summary>
    public long EjectedAtVersion { get; set; } = -1;

    public void Started() => Interlocked.Increment(ref _inFlight);

    public void Ended() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Counts a local failure; returns the run length.</summary>
    public int Failed() => Interlocked.Increment(ref _localFailures);

    public void Succeeded()
    {
        if (Volatile.Read(ref _localFailures) != 0)
        {
            Volatile.Write(ref _localFailures, 0);
        }
    }
}
