using Microsoft.Extensions.Logging;

namespace TradingAgents.Actors.Routing;

public sealed partial class ServiceRouter
{
    // Debug: during an outage every refused retry would log; the counter service_retry_budget_retries says how many.
    [LoggerMessage(EventId = 9150, Level = LogLevel.Debug, Message = "Router {Service}: retry refused by the retry budget ({Mode}); answering with the failed attempt")]
    private static partial void LogRetryRefused(ILogger logger, string service, string mode);

    [LoggerMessage(EventId = 9151, Level = LogLevel.Debug, Message = "Router {Service}: retry budget report failed ({Error}); the counts go with the next report")]
    private static partial void LogRetryBudgetReportFailed(ILogger logger, string service, string error);
}
