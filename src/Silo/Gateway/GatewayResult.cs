namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>How the gateway answered one request.</summary>
public enum GatewayResult
{
    /// <summary>An instance's response was forwarded (whatever its status).</summary>
    Forwarded = 0,

    /// <summary>404: the service is neither configured nor discovered.</summary>
    UnknownService = 1,

    /// <summary>503: the service has no endpoint that may take traffic.</summary>
    NoSelectableInstance = 2,

    /// <summary>503: the gateway is draining for shutdown.</summary>
    Draining = 3,

    /// <summary>504: the service's timeout passed.</summary>
    TimedOut = 4,

    /// <summary>502: no instance could be reached or answered properly.</summary>
    BadGateway = 5,

    /// <summary>4xx before forwarding: body too large, unreadable body, reserved path.</summary>
    Rejected = 6,

    /// <summary>The client went away before the answer.</summary>
    ClientAborted = 7,
}
