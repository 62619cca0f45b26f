using TradingAgents.Actors.Diagnostics;

namespace TradingAgents.Actors.Silo.Observability;

/// <summary>
/// Logical service calls and their failures over the last 60 s, per service: the seed's
/// <c>failure_rate</c> (failures / calls) as a sliding gauge instead of a since-start average.
/// </summary>
public sealed class CallFailureWindow(TimeProvider timeProvider)
{
    private readonly SlidingRatioWindow _window = new(timeProvider, SlidingRatioWindow.DefaultLength);

    /// <summary>Records one finished logical call (its retries included) to <paramref name="service"/>.</summary>
    public void Record(string service, bool failed) => _window.Record(service, failed);

    /// <summary>Failures / calls of <paramref name="service"/> in the window; 0 without calls, as the seed's <c>max(1, calls)</c>.</summary>
    public double FailureRate(string service) => _window.Read(service).Ratio ?? 0;

    /// <summary>Every service called since start, with its rate in the window (0 when it had no call lately).</summary>
    public IEnumerable<KeyValuePair<string, double>> FailureRates() =>
        _window.ReadAll().Select(pair => new KeyValuePair<string, double>(pair.Key, pair.Value.Ratio ?? 0));
}
