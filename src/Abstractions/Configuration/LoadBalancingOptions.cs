namespace TradingAgents.Actors.Configuration;

/// <summary>The <c>load_balancing:</c> section.</summary>
public sealed class LoadBalancingOptions
{
    /// <summary>
    /// <c>algorithm</c>: one of <c>round_robin</c>, <c>least_connections</c>, <c>weighted_random</c>,
    /// <c>health_aware</c>, <c>power_of_two_choices</c>. Default <c>health_aware</c>.
    /// </summary>
    public string Algorithm { get; set; } = LoadBalancingAlgorithms.HealthAware;

    /// <summary><c>health_check</c>: active probing of each endpoint.</summary>
    public HealthCheckOptions HealthCheck { get; set; } = new();

    /// <summary>Fleet-wide controls (capacity guard, panic, slow start) for every service that sets none of its own.</summary>
    public FleetControlOptions Fleet { get; set; } = new();
}
