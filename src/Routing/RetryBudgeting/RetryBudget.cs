using TradingAgents.Actors.Configuration;

namespace TradingAgents.Actors.Routing;

/// <summary>
/// One router's side of its service's fleet-wide retry budget. Requests and retries are counted here
/// (lock-free); the router reports them to the service grain in the background and gets back an allowance
/// of retries (<see cref="Delivered"/>), which <see cref="TryRetry"/> spends locally. Without a valid grant
/// (before the first, or when the control plane has not answered for three report intervals) the router
/// keeps a local budget of the same ratio over the same window, with its share of the minimum.
/// </summary>
public sealed class RetryBudget
{
    private const long Milli = 1000;

    private readonly Func<RetryBudgetOptions> _options;
    private readonly TimeProvider _timeProvider;
    private long _milliTokens;
    private long _requests;
    private long _retries;
    private long _refused;
    private long _reportedRequests;
    private long _reportedRetries;
    private long _reportedRefused;
    private long _grantExpiresAt;
    private volatile bool _fleet;
    private volatile RetryBudgetGrant? _lastGrant;

    // The local window, rolled by Tick (the router's background loop), never on a request's path.
    private long[] _windowRequests = [];
    private long[] _windowRetries = [];
    private long _windowSecond;
    private long _windowRequestsSeen;
    private long _windowRetriesSeen;

    internal RetryBudget(Func<RetryBudgetOptions> options, TimeProvider timeProvider)
    {
        _options = options;
        _timeProvider = timeProvider;
        Tick();
    }

    /// <summary>True when the service's budget is enabled (by the last grant, else by local configuration).</summary>
    public bool Enabled => _lastGrant is { } grant && _fleet ? grant.Enabled : _options().Enabled;

    /// <summary>"fleet" while a grant from the service grain is valid, "local" otherwise, "off" when disabled.</summary>
    public string Mode => !Enabled ? "off" : _fleet ? "fleet" : "local";

    /// <summary>Retries this process may send now.</summary>
    public double Remaining => Math.Max(0, Volatile.Read(ref _milliTokens)) / (double)Milli;

    /// <summary>Requests counted since the router started.</summary>
    public long Requests => Volatile.Read(ref _requests);

    /// <summary>Retries the budget let through since the router started.</summary>
    public long Allowed => Volatile.Read(ref _retries);

    /// <summary>Retries the budget refused since the router started.</summary>
    public long Refused => Volatile.Read(ref _refused);

    /// <summary>The service grain's last answer (fleet figures); null before the first.</summary>
    public RetryBudgetGrant? LastGrant => _lastGrant;

    /// <summary>True when a retry would be allowed now (without spending it): decides whether an answer is held back for a retry.</summary>
    public bool CanRetry => !Enabled || Volatile.Read(ref _milliTokens) >= Milli;

    /// <summary>Counts a request's first attempt; in local mode it deposits <c>ratio</c> of a retry.</summary>
    public void OnRequest()
    {
        Interlocked.Increment(ref _requests);
        if (!_fleet)
        {
            Interlocked.Add(ref _milliTokens, (long)(_options().Ratio * Milli));
        }
    }

    /// <summary>Spends one retry; false when the budget is exhausted (the retry must not be sent).</summary>
    public bool TryRetry()
    {
        if (!Enabled)
        {
            Interlocked.Increment(ref _retries);
            return true;
        }

        for (var spin = 0; spin < 64; spin++)
        {
            var balance = Volatile.Read(ref _milliTokens);
            if (balance < Milli)
            {
                break;
            }

            if (Interlocked.CompareExchange(ref _milliTokens, balance - Milli, balance) == balance)
            {
                Interlocked.Increment(ref _retries);
                return true;
            }
        }

        Interlocked.Increment(ref _refused);
        return false;
    }

    /// <summary>Counts a retry refused without asking (the budget was known to be empty).</summary>
    public void CountRefused() => Interlocked.Increment(ref _refused);

    /// <summary>
    /// What happened since the last delivered report. Sent every report interval, idle or not, so the grain
    /// knows how many routers share the budget and each keeps a valid grant. <see cref="Delivered"/> marks it
    /// sent; a report that fails is folded into the next one.
    /// </summary>
    internal RetryBudgetReport TakeReport(string reporterId, TimeSpan interval, bool leaving = false) => new(
        reporterId,
        Volatile.Read(ref _requests) - _reportedRequests,
        Volatile.Read(ref _retries) - _reportedRetries,
        Volatile.Read(ref _refused) - _reportedRefused,
        interval,
        leaving);

    /// <summary>Marks <paramref name="report"/> delivered and applies the grain's <paramref name="grant"/>.</summary>
    internal void Delivered(RetryBudgetReport report, RetryBudgetGrant grant)
    {
        _reportedRequests += report.Requests;
        _reportedRetries += report.Retries;
        _reportedRefused += report.Refused;

        // Retries sent while the report travelled are not in the grant's arithmetic yet: take them off it.
        var spentSince = Volatile.Read(ref _retries) - _reportedRetries;
        _lastGrant = grant;
        Volatile.Write(ref _milliTokens, Math.Max(0, grant.Tokens - spentSince) * Milli);
        Volatile.Write(ref _grantExpiresAt, _timeProvider.GetTimestamp() + (long)(grant.ValidFor.TotalSeconds * _timeProvider.TimestampFrequency));
        _fleet = true;
    }

    /// <summary>
    /// Rolls the local window and, without a valid grant, sets the local budget:
    /// <c>ratio × requests + (min_retries_per_second ÷ routers last seen) × window − retries</c> over the window.
    /// Called by the router's background loop.
    /// </summary>
    internal void Tick()
    {
        var options = _options();
        var now = _timeProvider.GetTimestamp();
        var second = now / _timeProvider.TimestampFrequency;
        var buckets = Math.Max(1, (int)Math.Ceiling(options.Window.TotalSeconds));
        if (_windowRequests.Length != buckets)
        {
            _windowRequests = new long[buckets];
            _windowRetries = new long[buckets];
            _windowSecond = second;
        }

        var steps = Math.Min(second - _windowSecond, buckets);
        for (var i = 1; i <= steps; i++)
        {
            var index = (int)((_windowSecond + i) % buckets);
            _windowRequests[index] = 0;
            _windowRetries[index] = 0;
        }

        _windowSecond = Math.Max(_windowSecond, second);
        var current = (int)(_windowSecond % buckets);
        var requests = Volatile.Read(ref _requests);
        var retries = Volatile.Read(ref _retries);
        _windowRequests[current] += requests - _windowRequestsSeen;
        _windowRetries[current] += retries - _windowRetriesSeen;
        (_windowRequestsSeen, _windowRetriesSeen) = (requests, retries);

        if (_fleet && now >= Volatile.Read(ref _grantExpiresAt))
        {
            _fleet = false;
        }

        if (!_fleet)
        {
            var routers = Math.Max(1, _lastGrant?.Reporters ?? 1);
            var allowance = (options.Ratio * _windowRequests.Sum()) + (options.MinRetriesPerSecond / routers * options.Window.TotalSeconds) - _windowRetries.Sum();
            Volatile.Write(ref _milliTokens, Math.Max(0, (long)(allowance * Milli)));
        }
    }
}
