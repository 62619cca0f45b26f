namespace TradingAgents.Actors.Routing;

/// <summary>
/// One router's picks per zone over a recent window, from the per-instance pick counters (sampled by the
/// router's background loop once a second; nothing on the request path).
/// </summary>
public sealed class ZoneTraffic
{
    /// <summary>The key of instances without a zone.</summary>
    public const string NoZone = "(none)";

    /// <summary>The window <see cref="Recent"/> covers.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    private readonly TimeProvider _timeProvider;
    private readonly Queue<(long At, Dictionary<string, long> Totals)> _samples = new();
    private readonly Lock _gate = new();

    internal ZoneTraffic(TimeProvider timeProvider) => _timeProvider = timeProvider;

    /// <summary>Picks per zone since the instances appeared in this process.</summary>
    internal static Dictionary<string, long> Totals(RouteTable table)
    {
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var endpoint in table.All)
        {
            var zone = endpoint.Instance.Zone is { Length: > 0 } z ? z : NoZone;
            totals[zone] = totals.GetValueOrDefault(zone) + endpoint.Load.Picks;
        }

        return totals;
    }

    /// <summary>Takes a sample when a second has passed since the last one.</summary>
    internal void Sample(RouteTable table)
    {
        var now = _timeProvider.GetTimestamp();
        lock (_gate)
        {
            if (_samples.Count > 0 && _timeProvider.GetElapsedTime(_samples.Last().At, now) < TimeSpan.FromSeconds(1))
            {
                return;
            }

            _samples.Enqueue((now, Totals(table)));

            // Keep one sample at least a window old as the base of the difference.
            while (_samples.Count > 2 && _timeProvider.GetElapsedTime(_samples.ElementAt(1).At, now) >= Window)
            {
                _samples.Dequeue();
            }
        }
    }

    /// <summary>Picks per zone within about the last <see cref="Window"/> (since the oldest sample kept), and how long that is.</summary>
    internal (IReadOnlyDictionary<string, long> Picks, TimeSpan Covered) Recent(RouteTable table)
    {
        var current = Totals(table);
        (long At, Dictionary<string, long> Totals) oldest;
        lock (_gate)
        {
            if (_samples.Count == 0)
            {
                return (current, TimeSpan.Zero);
            }

            oldest = _samples.Peek();
        }

        var recent = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (zone, total) in current)
        {
            // An instance that left and came back restarts its counter: never report a negative share.
            recent[zone] = Math.Max(0, total - oldest.Totals.GetValueOrDefault(zone));
        }

        return (recent, _timeProvider.GetElapsedTime(oldest.At));
    }
}
