using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Grains;

namespace TradingAgents.Actors.Routing;

public sealed partial class ServiceRouter
{
    private static readonly RetryBudgetOptions DefaultRetryBudget = new();

    /// <summary>This router's side of the service's fleet-wide retry budget.</summary>
    public RetryBudget RetryBudget { get; }

    /// <summary>Counts a new request (its first attempt) toward the retry budget. Lock-free, no grain call.</summary>
    public void OnRequest() => RetryBudget.OnRequest();

    /// <summary>
    /// Asks the retry budget for one retry of a request that failed and may be sent again; false when the
    /// budget is exhausted, and the caller answers with the failed attempt's answer instead. Lock-free, no grain call.
    /// </summary>
    public bool TryRetry()
    {
        var allowed = RetryBudget.TryRetry();
        _instruments.RetryDecided(Service, allowed);
        if (!allowed)
        {
            LogRetryRefused(_logger, Service, RetryBudget.Mode);
        }

        return allowed;
    }

    /// <summary>
    /// Counts a retry that was not asked for because the budget was already empty when the attempt started
    /// (the gateway then lets the failed answer through instead of holding it back for a retry).
    /// </summary>
    public void RetryRefused()
    {
        RetryBudget.CountRefused();
        _instruments.RetryDecided(Service, allowed: false);
    }

    /// <summary>Sends this router's counts to the service grain and takes the new allowance; on failure the local budget applies once the grant lapses.</summary>
    internal async Task ReportRetryBudgetAsync(bool leaving = false)
    {
        if (!HasSnapshot || Snapshot.Status == Discovery.SelectionStatus.UnknownService)
        {
            return;
        }

        var report = RetryBudget.TakeReport(ReporterId, _options.RetryBudgetInterval, leaving);
        try
        {
            var grant = await _grainFactory.GetGrain<IServiceGrain>(Service).ReportRetriesAsync(report).ConfigureAwait(false);
            RetryBudget.Delivered(report, grant);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The counts stay unreported and go with the next report; the grant lapses on its own.
            LogRetryBudgetReportFailed(_logger, Service, ex.GetBaseException().Message);
        }
    }
}
