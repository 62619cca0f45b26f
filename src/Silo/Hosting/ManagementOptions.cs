namespace TradingAgents.Actors.Silo.Hosting;

/// <summary>
/// The <c>Management</c> section: where the operator surfaces (<see cref="OperatorSurfaces"/>) are served.
/// </summary>
public sealed class ManagementOptions
{
    /// <summary>The configuration section that holds these options.</summary>
    public const string SectionName = "Management";

    /// <summary>
    /// A port that serves the operator surfaces, on the gateway's own host (or <see cref="Host"/>). When set,
    /// the client port refuses them (404): expose this port to operators only, not through the clients'
    /// Kubernetes Service. Unset (the default): they are served on the client port to loopback clients,
    /// and to others only as <see cref="DashboardAccessOptions"/> allows.
    /// </summary>
    public int? Port { get; set; }

    /// <summary>
    /// The address the management port listens on (<c>127.0.0.1</c>, <c>0.0.0.0</c>, <c>*</c>, ...). Default:
    /// the host of the gateway's first address, so a gateway on 127.0.0.1 does not open it to the network.
    /// </summary>
    public string? Host { get; set; }
}
