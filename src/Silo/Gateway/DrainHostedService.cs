using Microsoft.Extensions.Options;

namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>
/// Drains the gateway on shutdown. It waits in <see cref="IHostedLifecycleService.StoppingAsync"/>,
/// which the host calls before it stops any service: Kestrel still answers (<c>/ready</c> with 503,
/// new proxied requests with 503) and the silo leaves the cluster only once in-flight requests
/// (which still report outcomes to grains) have finished or the drain timeout has passed.
/// </summary>
internal sealed partial class DrainHostedService(
    DrainCoordinator drain,
    IHostApplicationLifetime lifetime,
    IOptions<GatewayOptions> options,
    TimeProvider timeProvider,
    ILogger<DrainHostedService> logger) : IHostedLifecycleService
{
    private CancellationTokenRegistration _stopping;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // ApplicationStopping fires before any hosted service stops: /ready turns false at once.
        _stopping = lifetime.ApplicationStopping.Register(static state => ((DrainCoordinator)state!).BeginDrain(), drain);
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
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
            ReportOverrun(timeout);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            ReportOverrun(timeout);
        }
        finally
        {
            await _stopping.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void ReportOverrun(TimeSpan budget)
    {
        // Shutdown goes on, but the server still waits for these requests (until the host's shutdown
        // timeout): say how many were left, then how it ended, instead of implying they were lost.
        var begun = timeProvider.GetTimestamp();
        LogDrainBudgetSpent(logger, drain.InFlight, budget.TotalSeconds);
        LateDrain = LogWhenDrainedAsync(begun, budget);
    }

    /// <summary>Completes once the requests left after the drain budget have ended and that was logged.</summary>
    internal Task LateDrain { get; private set; } = Task.CompletedTask;

    private async Task LogWhenDrainedAsync(long begun, TimeSpan budget)
    {
        await drain.WhenDrained().ConfigureAwait(false);
        LogDrainedLate(logger, (budget + timeProvider.GetElapsedTime(begun)).TotalSeconds);
    }

    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Draining: {InFlight} proxied request(s) in flight, waiting up to {TimeoutSeconds} s")]
    private static partial void LogDraining(ILogger logger, int inFlight, double timeoutSeconds);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Drained: no proxied request in flight")]
    private static partial void LogDrained(ILogger logger);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Drain budget of {TimeoutSeconds} s spent with {InFlight} proxied request(s) still in flight; shutting down anyway: the server waits for them until the host's shutdown timeout and then cuts them")]
    private static partial void LogDrainBudgetSpent(ILogger logger, int inFlight, double timeoutSeconds);

    [LoggerMessage(EventId = 2602, Level = LogLevel.Information, Message = "Drained: the last proxied request ended {Seconds:0.0} s after draining began, past the drain budget")]
    private static partial void LogDrainedLate(ILogger logger, double seconds);
}
