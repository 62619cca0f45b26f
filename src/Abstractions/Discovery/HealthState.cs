namespace TradingAgents.Actors.Discovery;

/// <summary>Result of active health checking for one endpoint.</summary>
public enum HealthState
{
    /// <summary>No probe has finished yet (or probing is disabled); treated as selectable.</summary>
    Unknown = 0,

    /// <summary>The last probe succeeded.</summary>
    Healthy = 1,

    /// <summary>The failure threshold of consecutive failed probes was reached.</summary>
    Unhealthy = 2,
}
