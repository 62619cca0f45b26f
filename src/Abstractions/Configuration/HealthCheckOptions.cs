namespace TradingAgents.Actors.Configuration;

/// <summary>The <c>load_balancing:health_check:</c> section.</summary>
public sealed class HealthCheckOptions
{
    /// <summary><c>enabled</c>: probe endpoints actively. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary><c>interval</c> (seconds) between probes of one endpoint. Default 10 s.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary><c>timeout</c> (seconds) of one probe. Default 5 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary><c>failure_threshold</c>: consecutive failed probes that make an endpoint unhealthy. Default 3.</summary>
    public int FailureThreshold { get; set; } = 3;
}
