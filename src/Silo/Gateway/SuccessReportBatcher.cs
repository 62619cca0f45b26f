using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Grains;

namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>
/// Collects the gateway's successful ordinary calls per instance and reports them to the instance
/// grains in one call per instance per interval, instead of one grain call (and one push to the
/// service grain) per request. Successes only move statistics, so a short delay costs nothing but a
/// little staleness in in-flight counts and latency averages; failures and trials never wait here.
/// </summary>
public sealed partial class SuccessReportBatcher(
    IGrainFactory grainFactory,
    IOptionsMonitor<GatewayOptions> options,
    TimeProvider timeProvider,
    ILogger<SuccessReportBatcher> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<(string Service, string InstanceId), Pending> _pending = new();

    /// <summary>Records one success; returns false when batching is off and the caller must report it itself.</summary>
    public bool TryAdd(string service, string instanceId, TimeSpan latency)
    {
        if (options.CurrentValue.SuccessReportIntervalMilliseconds <= 0)
        {
            return false;
        }

        var pending = _pending.GetOrAdd((service, instanceId), static key => new Pending(InstanceKey.Format(key.Service, key.InstanceId)));
        pending.Add(latency);
        return true;
    }

    /// <summary>Sends everything collected so far.</summary>
    public async Task FlushAsync()
    {
        var reports = new List<Task>();
        foreach (var pending in _pending.Values)
        {
            if (pending.TakeBatch() is { } batch)
            {
                reports.Add(ReportAsync(pending.GrainKey, batch));
            }
        }

        await Task.WhenAll(reports).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var interval = TimeSpan.FromMilliseconds(Math.Max(1, options.CurrentValue.SuccessReportIntervalMilliseconds));
            try
            {
                await Task.Delay(interval, timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }

            await FlushAsync().ConfigureAwait(false);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);

        // The last batch goes out before the silo leaves (this service stops before the silo does).
        await FlushAsync().ConfigureAwait(false);
    }

    private async Task ReportAsync(string grainKey, SuccessBatch batch)
    {
        try
        {
            await grainFactory.GetGrain<IInstanceGrain>(grainKey).ReportSuccessesAsync(batch).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // Lost successes only leave statistics a little stale; the next batch carries on.
            LogReportFailed(logger, grainKey, batch.Count, exception);
        }
    }

    [LoggerMessage(EventId = 2400, Level = LogLevel.Warning, Message = "Could not report {Count} successful call(s) to {Instance}")]
    private static partial void LogReportFailed(ILogger logger, string instance, int count, Exception exception);

    /// <summary>Counts and summed latency of one instance's successes since the last batch.</summary>
    private sealed class Pending(string grainKey)
    {
        private long _count;
        private long _latencyTicks;

        public string GrainKey { get; } = grainKey;

        public void Add(TimeSpan latency)
        {
            Interlocked.Add(ref _latencyTicks, latency.Ticks);
            Interlocked.Increment(ref _count);
        }

        public SuccessBatch? TakeBatch()
        {
            // Latency is taken first: a success added in between is counted in the next batch with
            // its latency, or in this one with the next batch's; the sum over batches stays exact.
            var latency = Interlocked.Exchange(ref _latencyTicks, 0);
            var count = Interlocked.Exchange(ref _count, 0);
            if (count == 0)
            {
                Interlocked.Add(ref _latencyTicks, latency);
                return null;
            }

            return new SuccessBatch((int)Math.Min(count, int.MaxValue), TimeSpan.FromTicks(latency));
        }
    }
}
