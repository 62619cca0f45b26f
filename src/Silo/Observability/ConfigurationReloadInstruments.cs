using System.Diagnostics.Metrics;
using TradingAgents.Actors.Client.Metrics;
using TradingAgents.Actors.Configuration;

namespace TradingAgents.Actors.Silo.Observability;

/// <summary>
/// The configuration's reload state as metrics: <c>config_last_reload_success</c> (1, or 0 while the
/// latest reading of <c>config.yaml</c> is rejected and the last good one is in force),
/// <c>config_reload_failures_total</c> and <c>config_loaded_timestamp_seconds</c> (when the
/// configuration in force was read). Observable, so they read <see cref="ConfigurationReloadStatus"/>
/// at each scrape.
/// </summary>
public sealed class ConfigurationReloadInstruments
{
    /// <summary>Name of the 0/1 gauge.</summary>
    public const string LastReloadSuccessName = "config_last_reload_success";

    /// <summary>Name of the failure counter (exported with <c>_total</c>).</summary>
    public const string ReloadFailuresName = "config_reload_failures";

    /// <summary>Name of the gauge holding when the configuration in force was read (Unix seconds).</summary>
    public const string LoadedTimestampName = "config_loaded_timestamp_seconds";

    /// <summary>Creates the instruments on the meter <c>TradingAgents.Actors</c>.</summary>
    public ConfigurationReloadInstruments(IMeterFactory meterFactory, ConfigurationReloadStatus status)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(status);
        var meter = meterFactory.Create(ClientInstruments.MeterName);
        meter.CreateObservableGauge(
            LastReloadSuccessName,
            () => status.Current.LastReloadSucceeded ? 1 : 0,
            unit: null,
            description: "1 when the latest reading of the service discovery configuration was accepted, 0 while it is rejected and the last good configuration stays in force.");
        meter.CreateObservableCounter(
            ReloadFailuresName,
            () => status.Current.ReloadFailures,
            unit: null,
            description: "Readings of the service discovery configuration rejected since start (YAML syntax errors, invalid values, a vanished section).");
        meter.CreateObservableGauge(
            LoadedTimestampName,
            () => status.Current.LoadedAt is { } at
                ? [new Measurement<double>(at.ToUnixTimeMilliseconds() / 1000.0)]
                : Array.Empty<Measurement<double>>(),
            unit: null,
            description: "When the service discovery configuration in force was read, as Unix time in seconds.");
    }
}
