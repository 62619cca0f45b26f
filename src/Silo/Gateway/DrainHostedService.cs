using Microsoft.Extensions.Options;

namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>
/// Drains the gateway on shutdown. Registered after the silo, so the host stops it before the silo:
/// the silo leaves the cluster only once in-flight requests (which still report outcomes to grains)
/// have finished or the drain timeout has passed.
/// </summary>
internal sealed partial class DrainHostedService(
    DrainCoordinator drain,
    IHostApplicationLifetime lifetime,
    IOptions<GatewayOptions> options,
    TimeProvider timeProvider,
    ILogger<DrainHostedService> logger) : IHostedService
{
    private CancellationTokenRegistration _stopping;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // ApplicationStopping fires before any hosted service stops: /ready turns false at once.
        _stopping = lifetime.ApplicationStopping.Register(static state => ((DrainCoordinator)state!).BeginDrain(), drain);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        drain.BeginDrain();
        var timeout = TimeSpan.FromSeconds(options.Value.DrainTimeoutSeconds);
        LogDraining(logger, drain.InFlight, timeout.TotalSeconds);
        try
        {
            await drain.WhenDrained().WaitAsync(timeout, timeProvider, cancellationToken).ConfigureAwait(false);
            LogDrained(logger);
        }
        catch (TimeoutException)
        {
            LogDrainTimedOut(logger, drain.InFlight, timeout.TotalSeconds);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogDrainTimedOut(logger, drain.InFlight, timeout.TotalSeconds);
        }
        finally
        {
            await _stopping.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Draining: {InFlight} proxied request(s) in flight, waiting up to {TimeoutSeconds} s")]
    private static partial void LogDraining(ILogger logger, int inFlight, double timeoutSeconds);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Drained: no proxied request in flight")]
    private static partial void LogDrained(ILogger logger);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Drain timed out with {InFlight} proxied request(s) still in flight after {TimeoutSeconds} s")]
    private static partial void LogDrainTimedOut(ILogger logger, int inFlight, double timeoutSeconds);
}
