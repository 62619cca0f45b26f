namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>The end of one gateway request, as reported to <see cref="IGatewayObserver.OnCompleted"/>.</summary>
/// <param name="Service">Logical service name from the path.</param>
/// <param name="Method">HTTP method.</param>
/// <param name="StatusCode">Status sent to the client.</param>
/// <param name="Result">How the gateway answered.</param>
/// <param name="Attempts">Attempts made against instances (0 when none was selected).</param>
/// <param name="Duration">Whole time in the gateway, retries and backoff included.</param>
public readonly record struct GatewayCompletion(
    string Service,
    string Method,
    int StatusCode,
    GatewayResult Result,
    int Attempts,
    TimeSpan Duration);
