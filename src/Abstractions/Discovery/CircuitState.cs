namespace TradingAgents.Actors.Discovery;

/// <summary>State of one endpoint's fleet-wide circuit breaker.</summary>
public enum CircuitState
{
    /// <summary>Calls flow; consecutive failures are counted.</summary>
    Closed = 0,

    /// <summary>Recovery time has passed; a bounded number of trial calls are leased fleet-wide.</summary>
    HalfOpen = 1,

    /// <summary>Too many consecutive failures; no calls until the recovery time has passed.</summary>
    Open = 2,
}
