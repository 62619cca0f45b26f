using TradingAgents.Actors.Routing;
using System.Diagnostics.Metrics;

namespace TradingAgents.Actors.Client.Metrics;

/// <summary>
/// The call instruments on the shared <see cref="MeterName"/> meter, used by the client library and by
/// the gateway alike so that one process never defines them twice. An OpenTelemetry Prometheus
/// exporter turns them into <c>service_discovery_calls_total</c> and <c>service_call_duration_seconds</c>,
/// the seed's names.
/// </summary>
public sealed class ClientInstruments
{
    /// <summary>The one meter of TradingAgents.Actors.</summary>
    public const string MeterName = "TradingAgents.Actors";

    /// <summary>Counter of selections asked of the service grains; tag <c>service</c>.</summary>
    public const string DiscoveryCallsName = "service_discovery_calls";

    /// <summary>
    /// Histogram of call attempt durations in seconds; tags <c>service</c> and <c>outcome</c>. No instance tag: a
    /// histogram keeps every label set until the process ends, so one per pod would grow with every rollout.
    /// Per-instance outcomes are the routers' <c>service_router_calls</c>, which drop an instance with its table entry.
    /// </summary>
    public const string CallDurationName = "service_call_duration";

    /// <summary>Outcome tag of an attempt that got a response below 500.</summary>
    public const string Success = "success";

    /// <summary>Outcome tag of an attempt that failed to connect, broke, or got a 5xx.</summary>
    public const string Failure = "failure";

    /// <summary>Outcome tag of an attempt cut by the service's timeout.</summary>
    public const string Timeout = "timeout";

    /// <summary>Outcome tag of an attempt the instance answered with backpressure (429, or 503 with Retry-After).</summary>
    public const string Backpressure = "backpressure";

    /// <summary>Outcome tag of an attempt its caller gave up on: neither a success nor a failure of the instance.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>
    /// The <c>outcome</c> tag of one attempt, the same in the gateway and the client library:
    /// <see cref="Success"/>, <see cref="Failure"/>, <see cref="Timeout"/> (a failure cut by the attempt timeout or
    /// the deadline), <see cref="Backpressure"/> or <see cref="Cancelled"/>.
    /// </summary>
    public static string OutcomeOf(OutcomeKind kind, bool timedOut) => kind switch
    {
        OutcomeKind.Success => Success,
        OutcomeKind.Cancelled => Cancelled,
        OutcomeKind.Backpressure => Backpressure,
        _ => timedOut ? Timeout : Failure,
    };

    private readonly Counter<long> _discoveryCalls;
    private readonly Histogram<double> _callDuration;

    /// <summary>Creates the instruments on the meter <see cref="MeterName"/> from <paramref name="meterFactory"/>.</summary>
    public ClientInstruments(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _discoveryCalls = meter.CreateCounter<long>(
            DiscoveryCallsName,
            unit: "{call}",
            description: "Selections asked of the service grains.");
        _callDuration = meter.CreateHistogram<double>(
            CallDurationName,
            unit: "s",
            description: "Duration of one call attempt to a service instance, by outcome.");
    }

    /// <summary>Counts one selection asked of <paramref name="service"/>'s grain.</summary>
    public void RecordDiscoveryCall(string service) =>
        _discoveryCalls.Add(1, new KeyValuePair<string, object?>("service", service));

    /// <summary>Records one call attempt's duration with its outcome (<see cref="OutcomeOf"/>).</summary>
    public void RecordCallDuration(string service, string outcome, TimeSpan duration) =>
        _callDuration.Record(
            duration.TotalSeconds,
            new KeyValuePair<string, object?>("service", service),
            new KeyValuePair<string, object?>("outcome", outcome));
}
