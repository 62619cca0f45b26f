using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Silo.Api;

/// <summary>
/// This gateway's picks per instance over the last <see cref="Window"/>, for the status page's share of
/// traffic: the routers count picks since an instance appeared, so a share computed from those counters
/// would keep an instance that stopped taking traffic (circuit open, unhealthy) at its historic share.
/// Readings of the counters are taken every <see cref="SampleInterval"/>; the recent count is the current
/// counter minus the newest reading at least <see cref="Window"/> old (or the oldest reading while the
/// gateway is younger than that), so the window spans 30 to 35 s.
/// </summary>
public sealed class RecentPicks : IDisposable
{
    /// <summary>Key of an optional keyed <see cref="TimeProvider"/> for this window alone (tests drive it with a fake clock).</summary>
    public const string ClockKey = "TradingAgents.StatusPage.RecentPicks";

    /// <summary>How far back the recent count reaches.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    /// <summary>How often the counters are read.</summary>
    public static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(5);

    private readonly Func<IEnumerable<ServiceRouter>> _routers;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _gate = new();
    private readonly Queue<Reading> _readings = new();
    private readonly ITimer _timer;

    /// <summary>Starts reading the counters of <paramref name="routers"/> now and every <see cref="SampleInterval"/>.</summary>
    public RecentPicks(Func<IEnumerable<ServiceRouter>> routers, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(routers);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _routers = routers;
        _timeProvider = timeProvider;
        Sample();
        _timer = timeProvider.CreateTimer(static state => ((RecentPicks)state!).Sample(), this, SampleInterval, SampleInterval);
    }

    /// <summary>Picks per instance of <paramref name="router"/> in the window; every instance the router holds is listed.</summary>
    public IReadOnlyDictionary<string, long> Of(ServiceRouter router)
    {
        ArgumentNullException.ThrowIfNull(router);
        var current = router.Picks;
        IReadOnlyDictionary<string, long>? baseline;
        lock (_gate)
        {
            baseline = Baseline(_timeProvider.GetUtcNow())?.Picks.GetValueOrDefault(router.Service);
        }

        return current.ToDictionary(
            pair => pair.Key,
            pair => baseline is not null && baseline.TryGetValue(pair.Key, out var then) && then <= pair.Value
                ? pair.Value - then
                : pair.Value, // New since the baseline, or its counter restarted (the instance left and came back).
            StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public void Dispose() => _timer.Dispose();

    private void Sample()
    {
        Dictionary<string, IReadOnlyDictionary<string, long>> picks;
        try
        {
            picks = _routers().ToDictionary(static r => r.Service, static r => (IReadOnlyDictionary<string, long>)r.Picks, StringComparer.Ordinal);
        }
        catch (ObjectDisposedException)
        {
            // The gateway is shutting down: nothing left to read (a timer callback must never throw).
            return;
        }

        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            _readings.Enqueue(new Reading(now, picks));

            // Keep the newest reading that is at least a window old (the baseline) and everything after it.
            while (_readings.Count > 1 && _readings.ElementAt(1).At <= now - Window)
            {
                _readings.Dequeue();
            }
        }
    }

    private Reading? Baseline(DateTimeOffset now)
    {
        Reading? baseline = null;
        foreach (var reading in _readings)
        {
            if (baseline is not null && reading.At > now - Window)
            {
                break;
            }

            baseline = reading;
        }

        return baseline;
    }

    private sealed record Reading(DateTimeOffset At, Dictionary<string, IReadOnlyDictionary<string, long>> Picks);
}
