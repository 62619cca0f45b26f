namespace TradingAgents.Actors.Routing;

/// <summary>
/// What traffic one instance may take, decided once by its service grain and carried in every
/// <see cref="RoutingSnapshot"/>; routers apply only their own exclusions on top.
/// </summary>
public enum InstanceAvailability
{
    /// <summary>Ordinary traffic: ready, circuit closed, not unhealthy, not backing off.</summary>
    Selectable = 0,

    /// <summary>Serving but terminating (EndpointSlice conditions): used only when nothing else is left.</summary>
    DrainingOnly = 1,

    /// <summary>Circuit half-open: only calls that hold a fleet-wide trial lease go there.</summary>
    TrialOnly = 2,

    /// <summary>No traffic at all (not ready, unhealthy, circuit open, backing off); the reason says why.</summary>
    Unavailable = 3,
}
