namespace TradingAgents.Actors.Discovery;

/// <summary>A service's fleet-wide retry budget as its service grain sees it, for APIs and the status page.</summary>
/// <param name="Enabled">False when retries are not limited.</param>
/// <param name="Ratio">Retries allowed per request.</param>
/// <param name="MinRetriesPerSecond">Retries always allowed per second, fleet-wide.</param>
/// <param name="WindowSeconds">The sliding window the figures cover.</param>
/// <param name="Requests">Requests of every router within the window.</param>
/// <param name="Retries">Retries of every router within the window.</param>
/// <param name="Remaining">Retries still allowed within the window.</param>
/// <param name="Reporters">Routers (gateways and clients) that reported within the window.</param>
[GenerateSerializer, Immutable, Alias("ta.ServiceRetryBudget")]
public sealed record ServiceRetryBudget(
    [property: Id(0)] bool Enabled,
    [property: Id(1)] double Ratio,
    [property: Id(2)] double MinRetriesPerSecond,
    [property: Id(3)] double WindowSeconds,
    [property: Id(4)] long Requests,
    [property: Id(5)] long Retries,
    [property: Id(6)] long Remaining,
    [property: Id(7)] int Reporters);
