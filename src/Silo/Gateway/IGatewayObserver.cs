namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>
/// Hook for metrics and tracing of the forwarding path. The gateway registers a no-op observer with
/// <c>TryAddSingleton</c>; register your own before <c>AddGateway</c> (or replace the registration)
/// to export <c>service_call_duration_seconds</c>, call and failure counters and the like. Called
/// synchronously on the request path: implementations must be cheap and must not throw.
/// </summary>
public interface IGatewayObserver
{
    /// <summary>One attempt against one selected instance ended (its outcome was reported to the instance grain).</summary>
    void OnAttempt(in GatewayAttempt attempt);

    /// <summary>A request to <c>/{service}/...</c> got its final answer, forwarded or not.</summary>
    void OnCompleted(in GatewayCompletion completion);

    /// <summary>The gateway is stopping and no request is left: write out anything held back (counts of rate-limited log lines).</summary>
    void OnStopping()
    {
    }
}
