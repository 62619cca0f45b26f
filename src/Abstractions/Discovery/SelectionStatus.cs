namespace TradingAgents.Actors.Discovery;

/// <summary>Why a selection did or did not produce an endpoint.</summary>
public enum SelectionStatus
{
    /// <summary>An endpoint was chosen.</summary>
    Selected = 0,

    /// <summary>The name is neither configured nor discovered.</summary>
    UnknownService = 1,

    /// <summary>The service is known but no source lists any endpoint for it.</summary>
    NoEndpoints = 2,

    /// <summary>Endpoints exist but none may take traffic now (unhealthy, circuit open, terminating, excluded).</summary>
    NoneSelectable = 3,
}
