namespace TradingAgents.Actors.Configuration;

/// <summary>Resolves the fleet-wide controls of a service from <see cref="ServiceDiscoveryOptions"/>.</summary>
public static class FleetControlExtensions
{
    /// <summary>The controls of <paramref name="service"/>: its own settings over the <c>load_balancing:</c> defaults.</summary>
    public static FleetControls GetFleetControls(this ServiceDiscoveryOptions options, string service)
    {
        ArgumentNullException.ThrowIfNull(options);
        return FleetControls.From(options.GetService(service).Fleet.Over(options.LoadBalancing.Fleet));
    }
}
