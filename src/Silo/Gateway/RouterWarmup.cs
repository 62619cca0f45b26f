using Microsoft.Extensions.Options;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>
/// The seed's cache pre-warm: once the co-hosted silo is active, subscribes a router for every configured
/// service, so the first request never waits for a subscription. <c>/ready</c> reports ready only once
/// each router has a snapshot or a reason why not (<see cref="Pending"/>).
/// </summary>
public sealed partial class RouterWarmup(
    ServiceRouters routers,
    IOptionsMonitor<ServiceDiscoveryOptions> discoveryOptions,
    Hosting.SiloReadiness silo,
    TimeProvider timeProvider,
    ILogger<RouterWarmup> logger) : BackgroundService
{
    private static readonly TimeSpan WarmTimeout = TimeSpan.FromSeconds(10);
    private volatile IReadOnlyDictionary<string, string>? _pending;

    /// <summary>True once every configured service's router has a snapshot or the warm-up gave up waiting.</summary>
    public bool IsWarm => _pending is not null;

    /// <summary>Configured services whose router had no snapshot when the warm-up ended, with why; empty when all did.</summary>
    public IReadOnlyDictionary<string, string> Pending => _pending ?? new Dictionary<string, string>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!silo.IsActive)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), timeProvider, stoppingToken).ConfigureAwait(false);
            }

            var services = discoveryOptions.CurrentValue.Services.Keys.ToList();
            var started = timeProvider.GetTimestamp();
            var pending = await routers.WarmAsync(services, WarmTimeout, stoppingToken).ConfigureAwait(false);
            _pending = pending;
            if (pending.Count == 0)
            {
                LogWarm(logger, services.Count, timeProvider.GetElapsedTime(started).TotalMilliseconds);
            }
            else
            {
                LogNotWarm(logger, string.Join("; ", pending.Select(p => $"{p.Key}: {p.Value}")));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down before the silo became active.
        }
    }

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Routers warm: {Count} configured service(s) have routing snapshots after {Milliseconds:0} ms")]
    private static partial void LogWarm(ILogger logger, int count, double milliseconds);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Routers without a snapshot after warm-up (requests will wait for it): {Pending}")]
    private static partial void LogNotWarm(ILogger logger, string pending);
}
