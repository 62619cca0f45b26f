namespace TradingAgents.Actors.Discovery;

/// <summary>Whether a service is in panic (too few healthy instances) and what its routers do about it.</summary>
public enum PanicState
{
    /// <summary>Enough healthy instances: breakers and health checks keep traffic away from the others.</summary>
    None = 0,

    /// <summary><c>panic_mode: route_all</c>: every instance that is not known dead takes traffic, unhealthy and open-circuit ones included.</summary>
    RouteAll = 1,

    /// <summary><c>panic_mode: fail_fast</c>: ordinary requests fail at once; trial calls of half-open circuits still go.</summary>
    FailFast = 2,
}
