namespace TradingAgents.Actors.Routing;

/// <summary>Which instances a router prefers for ordinary traffic right now.</summary>
public enum LocalityTier
{
    /// <summary>Every zone alike: no locality known, affinity off, or the local sets spilled.</summary>
    All = 0,

    /// <summary>Instances in the process's zone.</summary>
    Zone = 1,

    /// <summary>Instances on the process's node.</summary>
    Node = 2,
}
