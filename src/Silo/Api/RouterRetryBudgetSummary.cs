using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Silo.Api;

/// <summary>One router's view of its service's retry budget in <c>GET /api/discovery/routers</c>.</summary>
/// <param name="Mode"><c>fleet</c> (allowance from the service grain), <c>local</c> (fallback while it is unreachable) or <c>off</c>.</param>
/// <param name="Remaining">Retries this gateway may still send now.</param>
/// <param name="Requests">Requests this gateway counted since its router started.</param>
/// <param name="Allowed">Retries this gateway sent since its router started.</param>
/// <param name="Refused">Retries the budget refused here since the router started.</param>
/// <param name="FleetRequests">Requests of the whole fleet within the window, at the last grant.</param>
/// <param name="FleetRetries">Retries of the whole fleet within the window, at the last grant.</param>
/// <param name="FleetRemaining">Retries still allowed to the whole fleet within the window, at the last grant.</param>
/// <param name="Reporters">Routers sharing the budget, at the last grant.</param>
public sealed record RouterRetryBudgetSummary(
    string Mode,
    double Remaining,
    long Requests,
    long Allowed,
    long Refused,
    long? FleetRequests,
    long? FleetRetries,
    long? FleetRemaining,
    int? Reporters)
{
    /// <summary>The summary of <paramref name="budget"/>.</summary>
    public static RouterRetryBudgetSummary Of(RetryBudget budget)
    {
        ArgumentNullException.ThrowIfNull(budget);
        var grant = budget.LastGrant;
        return new RouterRetryBudgetSummary(budget.Mode, budget.Remaining, budget.Requests, budget.Allowed, budget.Refused,
            grant?.FleetRequests, grant?.FleetRetries, grant?.FleetRemaining, grant?.Reporters);
    }
}
