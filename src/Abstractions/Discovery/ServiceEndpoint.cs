namespace TradingAgents.Actors.Discovery;

/// <summary>One addressable instance of a logical service, as an endpoint source knows it.</summary>
/// <param name="Host">IPv4 or IPv6 address, or a host name for configured endpoints.</param>
/// <param name="Port">TCP port, 1..65535.</param>
/// <param name="Conditions">Slice conditions (configured endpoints are always ready).</param>
/// <param name="Zone">Topology zone, for affinity; null when unknown.</param>
/// <param name="NodeName">Kubernetes node, for affinity; null when unknown.</param>
/// <param name="Weight">Relative weight for weighted policies, at least 1.</param>
/// <param name="TargetName">The pod (or other target) behind the address, for operators; null when unknown.</param>
[GenerateSerializer, Immutable, Alias("ta.ServiceEndpoint")]
public sealed record ServiceEndpoint(
    [property: Id(0)] string Host,
    [property: Id(1)] int Port,
    [property: Id(2)] EndpointConditions Conditions,
    [property: Id(3)] string? Zone = null,
    [property: Id(4)] string? NodeName = null,
    [property: Id(5)] int Weight = 1,
    [property: Id(6)] string? TargetName = null)
{
    /// <summary>The instance id: <c>host:port</c>, with IPv6 hosts in brackets.</summary>
    public string InstanceId => EndpointAddress.Format(Host, Port);
}
