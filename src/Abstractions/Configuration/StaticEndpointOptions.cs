namespace TradingAgents.Actors.Configuration;

/// <summary>
/// One entry of <c>services:&lt;name&gt;:endpoints:</c>. Written either as a plain string
/// <c>host:port</c> or as a map with <c>address</c> (or <c>host</c> and <c>port</c>), <c>zone</c>,
/// <c>node</c>, <c>weight</c> and <c>name</c>.
/// </summary>
public sealed class StaticEndpointOptions
{
    /// <summary>Host name or IP address.</summary>
    public string Host { get; set; } = string.Empty;

    /// <summary>Port, 1..65535.</summary>
    public int Port { get; set; }

    /// <summary>Topology zone, for affinity.</summary>
    public string? Zone { get; set; }

    /// <summary>Node name, for affinity.</summary>
    public string? Node { get; set; }

    /// <summary>Weight; null for the service's weight.</summary>
    public int? Weight { get; set; }

    /// <summary>The instance's name (a pod or host name) shown beside its address on the status page and in the API; null when unnamed.</summary>
    public string? Name { get; set; }
}
