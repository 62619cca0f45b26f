namespace TradingAgents.Actors.Configuration;

/// <summary>The <c>monitoring:</c> section.</summary>
public sealed class MonitoringOptions
{
    /// <summary><c>metrics_enabled</c>. Default true.</summary>
    public bool MetricsEnabled { get; set; } = true;

    /// <summary><c>metrics_interval</c> (seconds) at which gauges are refreshed. Default 60 s.</summary>
    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary><c>log_level</c>: DEBUG, INFO, WARNING, ERROR or CRITICAL. Default INFO.</summary>
    public string LogLevel { get; set; } = "INFO";
}
