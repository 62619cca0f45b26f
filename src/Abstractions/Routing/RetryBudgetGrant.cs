namespace TradingAgents.Actors.Routing;

/// <summary>
/// The service grain's answer to a <see cref="RetryBudgetReport"/>: how many retries this router may send
/// until its next report, and the fleet's figures behind the number.
/// </summary>
/// <param name="Enabled">False when the service has no retry budget (every allowed retry is sent).</param>
/// <param name="Tokens">Retries this router may send; replaces whatever it held.</param>
/// <param name="ValidFor">After this long without a new grant the router falls back to a local budget.</param>
/// <param name="Reporters">Routers that reported within the window (the fleet's gateways and clients using the service).</param>
/// <param name="FleetRequests">Requests of the whole fleet within the window.</param>
/// <param name="FleetRetries">Retries of the whole fleet within the window.</param>
/// <param name="FleetRemaining">Retries still allowed to the whole fleet within the window (granted or not).</param>
[GenerateSerializer, Immutable, Alias("ta.RetryBudgetGrant")]
public sealed record RetryBudgetGrant(
    [property: Id(0)] bool Enabled,
    [property: Id(1)] long Tokens,
    [property: Id(2)] TimeSpan ValidFor,
    [property: Id(3)] int Reporters,
    [property: Id(4)] long FleetRequests,
    [property: Id(5)] long FleetRetries,
    [property: Id(6)] long FleetRemaining);
