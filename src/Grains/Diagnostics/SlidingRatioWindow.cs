using System.Collections.Concurrent;

namespace TradingAgents.Actors.Diagnostics;

/// <summary>
/// Per key, the share of recent events that matched (failed calls among calls, cache hits among
/// lookups) over a sliding window kept in whole-second buckets: a read covers the current second
/// and the whole seconds before it, up to the window's length. Gauges read it at scrape time, so the
/// ratio describes the last minute rather than everything since the process started.
/// </summary>
public sealed class SlidingRatioWindow
{
    /// <summary>The window the exported rates use: 60 s, the seed's <c>metrics_interval</c>.</summary>
    public static readonly TimeSpan DefaultLength = TimeSpan.FromSeconds(60);

    private static readonly long BucketTicks = TimeSpan.TicksPerSecond;

    private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private readonly int _buckets;

    /// <summary>Creates a window of <paramref name="length"/> (whole seconds, 1 s to 1 h) on <paramref name="timeProvider"/>.</summary>
    public SlidingRatioWindow(TimeProvider timeProvider, TimeSpan length)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (length < TimeSpan.FromSeconds(1) || length > TimeSpan.FromHours(1) || length.Ticks % BucketTicks != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "The window must be a whole number of seconds between 1 s and 1 h.");
        }

        _timeProvider = timeProvider;
        _buckets = (int)(length.Ticks / BucketTicks);
        Length = length;
    }

    /// <summary>How far back a read looks.</summary>
    public TimeSpan Length { get; }

    /// <summary>Records one event for <paramref name="key"/>.</summary>
    public void Record(string key, bool matched)
    {
        ArgumentNullException.ThrowIfNull(key);
        var series = _series.GetOrAdd(key, static (_, buckets) => new Series(buckets), _buckets);
        series.Add(CurrentBucket(), matched);
    }

    /// <summary>The counts of <paramref name="key"/> in the window; zero when it has none.</summary>
    public RatioCounts Read(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _series.TryGetValue(key, out var series) ? series.Sum(CurrentBucket()) : default;
    }

    /// <summary>Forgets <paramref name="key"/> (its service is gone), so keys do not accumulate with churn.</summary>
    public void Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _series.TryRemove(key, out _);
    }

    /// <summary>Every key ever recorded (and not removed), with its counts in the window (zero when it had no event lately).</summary>
    public IEnumerable<KeyValuePair<string, RatioCounts>> ReadAll()
    {
        var now = CurrentBucket();
        foreach (var (key, series) in _series)
        {
            yield return new KeyValuePair<string, RatioCounts>(key, series.Sum(now));
        }
    }

    private long CurrentBucket() => _timeProvider.GetUtcNow().UtcTicks / BucketTicks;

    private sealed class Series(int buckets)
    {
        // Unused slots hold zero counts, so their stamp does not matter.
        private readonly long[] _stamps = new long[buckets];
        private readonly long[] _matched = new long[buckets];
        private readonly long[] _total = new long[buckets];

        public void Add(long bucket, bool matched)
        {
            var slot = (int)(bucket % _stamps.Length);
            lock (_stamps)
            {
                if (_stamps[slot] != bucket)
                {
                    // The slot last held a bucket that has slid out of the window.
                    _stamps[slot] = bucket;
                    _matched[slot] = 0;
                    _total[slot] = 0;
                }

                _total[slot]++;
                if (matched)
                {
                    _matched[slot]++;
                }
            }
        }

        public RatioCounts Sum(long now)
        {
            long matched = 0, total = 0;
            lock (_stamps)
            {
                for (var slot = 0; slot < _stamps.Length; slot++)
                {
                    var age = now - _stamps[slot];
                    if (age >= 0 && age < _stamps.Length)
                    {
                        matched += _matched[slot];
                        total += _total[slot];
                    }
                }
            }

            return new RatioCounts(matched, total);
        }
    }
}
