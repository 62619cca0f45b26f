namespace TradingAgents.Actors.Routing;

/// <summary>How one call to an instance ended, as the attempt classifier decided it.</summary>
public enum OutcomeKind
{
    /// <summary>The instance answered (any status below 500 other than backpressure).</summary>
    Success = 0,

    /// <summary>Connect failure, timeout, broken response or status 5xx: counts against the instance.</summary>
    Failure = 1,

    /// <summary>The caller gave up (client abort, cancellation): neither success nor failure. Releases the
    /// call's in-flight slot and trial lease and changes nothing else.</summary>
    Cancelled = 2,

    /// <summary>The instance asked for less traffic (429, or 503 with Retry-After): not a success, not a
    /// breaker failure; no ordinary traffic until the time it gave (capped by configuration).</summary>
    Backpressure = 3,
}
