using System.Diagnostics.Metrics;
using TradingAgents.Actors.Client.Metrics;

namespace TradingAgents.Actors.Silo.Observability;

/// <summary>
/// The gateway's call instruments: calls and durations through the client library's instruments (one
/// definition per process), plus the gateway's own windowed failure rate.
/// </summary>
public sealed class GatewayCallInstruments
{
    /// <summary>Name of the failure-rate gauge.</summary>
    public const string FailureRateName = "service_discovery_failure_rate";

    /// <summary>Creates the gauge on the meter <c>TradingAgents.Actors</c>.</summary>
    public GatewayCallInstruments(IMeterFactory meterFactory, CallFailureWindow failures, ClientInstruments calls)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(failures);
        ArgumentNullException.ThrowIfNull(calls);
        Calls = calls;
        meterFactory.Create(ClientInstruments.MeterName).CreateObservableGauge(
            FailureRateName,
            () => failures.FailureRates().Select(pair => new Measurement<double>(pair.Value, new KeyValuePair<string, object?>("service", pair.Key))),
            unit: null,
            description: "Share of logical service calls in the last 60 s that failed after all retries.");
    }

    /// <summary>Calls and call durations (<c>service_discovery_calls</c>, <c>service_call_duration</c>).</summary>
    public ClientInstruments Calls { get; }
}
