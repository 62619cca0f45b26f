using System.Diagnostics.Metrics;
using TradingAgents.Actors.Client.Metrics;

namespace TradingAgents.Actors.Silo.Observability;

/// <summary>
/// The gateway's call instruments on the product meter: the same <c>service_discovery_calls</c> and
/// <c>service_call_duration</c> instruments as <see cref="Client.Metrics.ClientInstruments"/> (same name, unit and
/// description, so a process with both shares one series), plus the windowed failure rate.
/// </summary>
public sealed class GatewayCallInstruments
{
    /// <summary>Name of the failure-rate gauge.</summary>
    public const string FailureRateName = "service_discovery_failure_rate";

    private readonly Counter<long> _discoveryCalls;
    private readonly Histogram<double> _callDuration;

    /// <summary>Creates the instruments on the meter <c>TradingAgents.Actors</c>.</summary>
    public GatewayCallInstruments(IMeterFactory meterFactory, CallFailureWindow failures)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(failures);
        var meter = meterFactory.Create(ClientInstruments.MeterName);
        _discoveryCalls = meter.CreateCounter<long>(ClientInstruments.DiscoveryCallsName, unit: "{call}", description: "Selections asked of the service grains.");
        _callDuration = meter.CreateHistogram<double>(ClientInstruments.CallDurationName, unit: "s", description: "Duration of one call attempt to a service instance, by outcome.");
        meter.CreateObservableGauge(
            FailureRateName,
            () => failures.FailureRates().Select(pair => new Measurement<double>(pair.Value, new KeyValuePair<string, object?>("service", pair.Key))),
            unit: null,
            description: "Share of logical service calls in the last 60 s that failed after all retries.");
    }

    internal void RecordDiscoveryCall(string service) =>
        _discoveryCalls.Add(1, new KeyValuePair<string, object?>("service", service));

    internal void RecordCallDuration(string service, string instance, string outcome, TimeSpan duration) =>
        _callDuration.Record(
            duration.TotalSeconds,
            new KeyValuePair<string, object?>("service", service),
            new KeyValuePair<string, object?>("instance", instance),
            new KeyValuePair<string, object?>("outcome", outcome));
}
