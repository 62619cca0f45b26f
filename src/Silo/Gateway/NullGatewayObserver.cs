namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>The default observer: does nothing.</summary>
internal sealed class NullGatewayObserver : IGatewayObserver
{
    public void OnAttempt(in GatewayAttempt attempt)
    {
    }

    public void OnCompleted(in GatewayCompletion completion)
    {
    }
}
