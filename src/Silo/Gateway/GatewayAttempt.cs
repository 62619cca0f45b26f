using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>One forwarding attempt, as reported to <see cref="IGatewayObserver.OnAttempt"/>.</summary>
/// <param name="Service">Logical service name.</param>
/// <param name="InstanceId">The instance tried (<c>host:port</c>).</param>
/// <param name="Attempt">1 for the first attempt, 2 for the first retry, ...</param>
/// <param name="Success">What was reported to the instance grain: false for connect failures, timeouts and 5xx.</param>
/// <param name="StatusCode">The backend's status, or the gateway's error status (502, 504) when it gave none.</param>
/// <param name="Latency">From sending to the end of the response or the failure.</param>
/// <param name="Error">Why the attempt failed; null on success.</param>
/// <param name="WillRetry">True when another attempt follows.</param>
/// <param name="Kind">How the attempt was classified (<c>AttemptClassifier</c>): success, failure, backpressure or cancelled.</param>
/// <param name="TimedOut">True when the attempt timeout or the request's deadline cut it.</param>
public readonly record struct GatewayAttempt(
    string Service,
    string InstanceId,
    int Attempt,
    bool Success,
    int StatusCode,
    TimeSpan Latency,
    string? Error,
    bool WillRetry,
    OutcomeKind Kind,
    bool TimedOut);
