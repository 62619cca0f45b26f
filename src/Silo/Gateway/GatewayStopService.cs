using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>
/// The gateway's last steps while its silo is still in the cluster, once the server has stopped and no
/// request is left: rate-limited warnings write the counts they held back (their timers would never fire),
/// and the routers send their last outcomes, hand their retry allowance back and stop their background
/// loops (which would otherwise report the departing silo as an unreachable control plane). Registered after
/// the silo: hosted services stop in reverse order.
/// </summary>
internal sealed class GatewayStopService(IServiceProvider services, ServiceRouters routers) : IHostedService
{
    /// <summary>How long the routers' last reports may take before the silo leaves anyway.</summary>
    internal static readonly TimeSpan RouterStopBudget = TimeSpan.FromSeconds(5);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Resolved only now: the forwarder reads options, which start-up validation checks first.
        services.GetService<ServiceForwarder>()?.FlushHeldBackLogs();
        try
        {
            await routers.DisposeAsync().AsTask().WaitAsync(RouterStopBudget, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // The silo is leaving; outcomes not yet delivered are lost with this process, as on a crash.
        }

        // Next the silo leaves the cluster (it stops after this service). The silencer is the gateway host's.
        services.GetService<Hosting.LogSilencer>()?.BeginLeaving();
    }
}
