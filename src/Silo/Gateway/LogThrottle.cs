using System.Collections.Concurrent;

namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>
/// Lets one log line per key through per interval and counts the occurrences it held back, so that a
/// condition hit by every request (all instances of a service down) logs a line per service every few
/// seconds with a count, not a line per request. Keys should be bounded (service names).
/// </summary>
/// <remarks>
/// With <c>heldBack</c>, occurrences held back are never lost: when an interval ends with some held back and
/// no later occurrence came to carry their count, a timer reports them (key, count) once, and that report
/// counts as the key's line for the next interval.
/// </remarks>
public sealed class LogThrottle(TimeProvider timeProvider, TimeSpan interval, Action<string, long>? heldBack = null)
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    /// <summary>The shortest time between two lines of one key.</summary>
    public TimeSpan Interval { get; } = interval;

    /// <summary>
    /// True when this occurrence of <paramref name="key"/> should be logged; <paramref name="suppressed"/>
    /// is then the number of occurrences held back since the last logged one (or the last report of them).
    /// </summary>
    public bool ShouldLog(string key, out long suppressed)
    {
        ArgumentNullException.ThrowIfNull(key);
        var window = _windows.GetOrAdd(key, static _ => new Window());
        var now = timeProvider.GetTimestamp();
        lock (window)
        {
            var sinceLogged = timeProvider.GetElapsedTime(window.LastLogged, now);
            if (window.Logged && sinceLogged < Interval)
            {
                window.Suppressed++;
                if (heldBack is not null && window.Flush is null)
                {
                    window.Flush = timeProvider.CreateTimer(
                        static state => ((FlushState)state!).Throttle.FlushHeldBack(((FlushState)state).Key),
                        new FlushState(this, key),
                        Interval - sinceLogged,
                        Timeout.InfiniteTimeSpan);
                }

                suppressed = 0;
                return false;
            }

            suppressed = window.Suppressed;
            window.Suppressed = 0;
            window.LastLogged = now;
            window.Logged = true;
            return true;
        }
    }

    /// <summary>
    /// Reports every key's held-back occurrences now, without waiting for their intervals to end (the
    /// process is stopping: a timer due later would never fire).
    /// </summary>
    public void FlushHeldBack()
    {
        foreach (var key in _windows.Keys)
        {
            FlushHeldBack(key);
        }
    }

    private void FlushHeldBack(string key)
    {
        if (!_windows.TryGetValue(key, out var window))
        {
            return;
        }

        long count;
        lock (window)
        {
            window.Flush?.Dispose();
            window.Flush = null;
            count = window.Suppressed;
            if (count == 0)
            {
                return;
            }

            window.Suppressed = 0;
            window.LastLogged = timeProvider.GetTimestamp();
        }

        try
        {
            heldBack!(key, count);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // A timer callback must never throw (it would end the process); a lost count line is the lesser harm.
        }
    }

    private sealed record FlushState(LogThrottle Throttle, string Key);

    private sealed class Window
    {
        public bool Logged { get; set; }

        public long LastLogged { get; set; }

        public long Suppressed { get; set; }

        public ITimer? Flush { get; set; }
    }
}
