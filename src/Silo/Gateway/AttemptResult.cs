namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>What one forwarding attempt asks of the retry pipeline.</summary>
/// <param name="Retry">True when nothing was sent to the client and the request may go to another instance.</param>
internal readonly record struct AttemptResult(bool Retry)
{
    public static AttemptResult Done { get; } = new(false);

    public static AttemptResult Again { get; } = new(true);
}
