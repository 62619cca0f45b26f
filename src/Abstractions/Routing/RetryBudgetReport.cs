namespace TradingAgents.Actors.Routing;

/// <summary>
/// What one router did for one service since its previous report, sent to the service grain in the
/// background (never on a request's path) so the grain can keep one retry budget for the fleet.
/// </summary>
/// <param name="ReporterId">The router (one per process and service).</param>
/// <param name="Requests">Requests started (first attempts) since the previous report.</param>
/// <param name="Retries">Retries sent (attempts after the first) since the previous report.</param>
/// <param name="Refused">Retries the budget refused since the previous report.</param>
/// <param name="Interval">How often this router reports; its grant stays valid for three intervals.</param>
/// <param name="Leaving">The router is shutting down: its counts stay in the window, its allowance goes back to the others at once.</param>
[GenerateSerializer, Immutable, Alias("ta.RetryBudgetReport")]
public sealed record RetryBudgetReport(
    [property: Id(0)] string ReporterId,
    [property: Id(1)] long Requests,
    [property: Id(2)] long Retries,
    [property: Id(3)] long Refused,
    [property: Id(4)] TimeSpan Interval,
    [property: Id(5)] bool Leaving = false);
