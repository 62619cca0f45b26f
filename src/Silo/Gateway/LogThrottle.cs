using System.Collections.Concurrent;

namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>
/// Lets one log line per key through per interval and counts the occurrences it held back, so that a
/// condition hit by every request (all instances of a service down) logs a line per service every few
/// seconds with a count, not a line per request. Keys should be bounded (service names).
/// </summary>
public sealed class LogThrottle(TimeProvider timeProvider, TimeSpan interval)
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    /// <summary>The shortest time between two lines of one key.</summary>
    public TimeSpan Interval { get; } = interval;

    /// <summary>
    /// True when this occurrence of <paramref name="key"/> should be logged; <paramref name="suppressed"/>
    /// is then the number of occurrences held back since the last logged one.
    /// </summary>
    public bool ShouldLog(string key, out long suppressed)
    {
        ArgumentNullException.ThrowIfNull(key);
        var window = _windows.GetOrAdd(key, static _ => new Window());
        var now = timeProvider.GetTimestamp();
        lock (window)
        {
            if (window.Logged && timeProvider.GetElapsedTime(window.LastLogged, now) < Interval)
            {
                window.Suppressed++;
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

    private sealed class Window
    {
        public bool Logged { get; set; }

        public long LastLogged { get; set; }

        public long Suppressed { get; set; }
    }
}
