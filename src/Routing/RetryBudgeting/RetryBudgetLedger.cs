using TradingAgents.Actors.Configuration;

namespace TradingAgents.Actors.Routing;

/// <summary>
/// The fleet's retry budget of one service, kept by its service grain from the routers' periodic reports:
/// over a sliding window of one-second buckets, the fleet may retry
/// <c>ratio × requests + min_retries_per_second × window − retries</c> times. Each report hands the
/// reporting router its share of what is left (by its share of the window's requests, at least an equal
/// split among the reporters), minus what the other routers still hold, so the routers together never hold more than the fleet may spend.
/// Not thread-safe: the grain calls it from its turns.
/// </summary>
internal sealed class RetryBudgetLedger(TimeProvider timeProvider)
{
    private readonly Dictionary<string, Reporter> _reporters = new(StringComparer.Ordinal);
    private int _buckets;

    /// <summary>Reporters that reported within the window or still hold a grant.</summary>
    public int Reporters => _reporters.Count;

    /// <summary>Records <paramref name="report"/> and returns the reporter's new allowance.</summary>
    /// <param name="report">What the router did since its previous report.</param>
    /// <param name="options">The service's budget.</param>
    public RetryBudgetGrant Report(RetryBudgetReport report, RetryBudgetOptions options)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(options);

        // Valid for three report intervals: one lost report does not drop the router to its local budget.
        var validFor = TimeSpan.FromTicks(Math.Clamp(report.Interval.Ticks * 3, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute));
        var now = timeProvider.GetTimestamp();
        var second = now / timeProvider.TimestampFrequency;
        Roll(options, second, now);
        if (!_reporters.TryGetValue(report.ReporterId, out var reporter))
        {
            reporter = new Reporter(_buckets, second);
            _reporters[report.ReporterId] = reporter;
        }

        reporter.Add(second, report.Requests, report.Retries);
        reporter.LastReportAt = now;
        if (report.Leaving || !options.Enabled)
        {
            reporter.Outstanding = 0;
            reporter.GrantExpiresAt = 0;
            return new RetryBudgetGrant(options.Enabled, 0, validFor, _reporters.Count, 0, 0, 0);
        }

        var (requests, retries) = Totals();
        var remaining = Allowance(options, requests) - retries;
        // Shares are split among the reporters that still report (a valid grant); a gateway that went
        // away leaves its share to the others once its grant has lapsed.
        var (heldByOthers, activeRequests, active) = (0L, reporter.Requests, 1);
        foreach (var other in _reporters.Values)
        {
            if (!ReferenceEquals(other, reporter) && other.GrantExpiresAt > now)
            {
                heldByOthers += other.Outstanding;
                activeRequests += other.Requests;
                active++;
            }
        }

        // By share of the window's requests, but never less than an equal split: a router whose traffic
        // just started (or just failed over to it) must not wait a report interval for each retry.
        var share = Math.Max((reporter.Requests + 1.0) / (activeRequests + active), 1.0 / active);
        var tokens = Math.Clamp((long)Math.Ceiling(Math.Max(0, remaining) * share), 0, Math.Max(0, remaining - heldByOthers));
        reporter.Outstanding = tokens;
        reporter.GrantExpiresAt = now + (long)(validFor.TotalSeconds * timeProvider.TimestampFrequency);
        return new RetryBudgetGrant(true, tokens, validFor, _reporters.Count, requests, retries, Math.Max(0, remaining));
    }

    /// <summary>The fleet's figures over the window, for status pages: requests, retries, retries still allowed.</summary>
    public (long Requests, long Retries, long Remaining, int Reporters) Describe(RetryBudgetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var now = timeProvider.GetTimestamp();
        Roll(options, now / timeProvider.TimestampFrequency, now);
        var (requests, retries) = Totals();
        return (requests, retries, options.Enabled ? Math.Max(0, Allowance(options, requests) - retries) : 0, _reporters.Count);
    }

    /// <summary><c>ratio × requests + min_retries_per_second × window</c>, in whole retries.</summary>
    internal static long Allowance(RetryBudgetOptions options, long requests) =>
        (long)Math.Floor((options.Ratio * requests) + (options.MinRetriesPerSecond * options.Window.TotalSeconds));

    /// <summary>Moves every reporter's window to <paramref name="second"/> and forgets reporters silent for a window whose grant has expired.</summary>
    private void Roll(RetryBudgetOptions options, long second, long now)
    {
        var buckets = Math.Max(1, (int)Math.Ceiling(options.Window.TotalSeconds));
        if (buckets != _buckets)
        {
            // A new window length: start counting afresh rather than reinterpret the old buckets.
            _buckets = buckets;
            _reporters.Clear();
            return;
        }

        var silentFor = (long)(options.Window.TotalSeconds * timeProvider.TimestampFrequency);
        List<string>? gone = null;
        foreach (var (id, reporter) in _reporters)
        {
            reporter.Advance(second);
            if (now - reporter.LastReportAt > silentFor && reporter.GrantExpiresAt <= now)
            {
                (gone ??= []).Add(id);
            }
        }

        foreach (var id in gone ?? [])
        {
            _reporters.Remove(id);
        }
    }

    private (long Requests, long Retries) Totals()
    {
        var (requests, retries) = (0L, 0L);
        foreach (var reporter in _reporters.Values)
        {
            requests += reporter.Requests;
            retries += reporter.Retries;
        }

        return (requests, retries);
    }

    /// <summary>One router's requests and retries per second over the window (a ring of buckets).</summary>
    private sealed class Reporter(int buckets, long second)
    {
        private readonly long[] _requests = new long[buckets];
        private readonly long[] _retries = new long[buckets];
        private long _second = second;

        public long Requests { get; private set; }

        public long Retries { get; private set; }

        public long Outstanding { get; set; }

        public long GrantExpiresAt { get; set; }

        public long LastReportAt { get; set; }

        public void Advance(long second)
        {
            if (second <= _second)
            {
                return;
            }

            // Empty every bucket the window slid past (all of them after a long silence).
            var steps = Math.Min(second - _second, _requests.Length);
            for (var i = 1; i <= steps; i++)
            {
                var index = (int)((_second + i) % _requests.Length);
                Requests -= _requests[index];
                Retries -= _retries[index];
                _requests[index] = 0;
                _retries[index] = 0;
            }

            _second = second;
        }

        public void Add(long second, long requests, long retries)
        {
            Advance(second);
            var index = (int)(_second % _requests.Length);
            _requests[index] += Math.Max(0, requests);
            _retries[index] += Math.Max(0, retries);
            Requests += Math.Max(0, requests);
            Retries += Math.Max(0, retries);
        }
    }
}
