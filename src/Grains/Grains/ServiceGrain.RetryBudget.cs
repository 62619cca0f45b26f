using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Grains;

internal sealed partial class ServiceGrain
{
    private RetryBudgetLedger? _retryBudget;

    /// <summary>The fleet's retry budget of this service (created on the first report).</summary>
    private RetryBudgetLedger RetryBudgetLedger => _retryBudget ??= new RetryBudgetLedger(timeProvider);

    private RetryBudgetOptions RetryBudgetOptions => options.CurrentValue.GetRetryBudget(Service);

    public ValueTask<RetryBudgetGrant> ReportRetriesAsync(RetryBudgetReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (!_known)
        {
            // No budget for a name nobody knows, and no activation left behind for it.
            DeactivateOnIdle();
        }

        return ValueTask.FromResult(RetryBudgetLedger.Report(report, RetryBudgetOptions));
    }

    /// <summary>The fleet's retry figures over the budget's window, for the service snapshot; null before any router reported.</summary>
    private ServiceRetryBudget? DescribeRetryBudget()
    {
        if (_retryBudget is not { } ledger)
        {
            return null;
        }

        var options = RetryBudgetOptions;
        var (requests, retries, remaining, reporters) = ledger.Describe(options);
        return new ServiceRetryBudget(options.Enabled, options.Ratio, options.MinRetriesPerSecond, options.Window.TotalSeconds, requests, retries, remaining, reporters);
    }
}
