namespace TradingAgents.Actors.Discovery;

/// <summary>The endpoint a selection chose, with what the caller needs to call it and report back.</summary>
/// <param name="Service">Logical service name.</param>
/// <param name="InstanceId"><c>host:port</c>; the key of the instance grain together with the service.</param>
/// <param name="Host">Address to connect to.</param>
/// <param name="Port">Port to connect to.</param>
/// <param name="Zone">Topology zone, when known.</param>
/// <param name="NodeName">Kubernetes node, when known.</param>
/// <param name="IsTrial">True when this call holds one of the half-open circuit's fleet-wide trial leases.</param>
/// <param name="Generation">Breaker generation the call is admitted under; its outcome report carries it.</param>
/// <param name="TrialLeaseId">The trial lease the call holds; 0 for an ordinary call.</param>
[GenerateSerializer, Immutable, Alias("ta.SelectedEndpoint")]
public sealed record SelectedEndpoint(
    [property: Id(0)] string Service,
    [property: Id(1)] string InstanceId,
    [property: Id(2)] string Host,
    [property: Id(3)] int Port,
    [property: Id(4)] string? Zone,
    [property: Id(5)] string? NodeName,
    [property: Id(6)] bool IsTrial,
    [property: Id(7)] long Generation = 0,
    [property: Id(8)] long TrialLeaseId = 0)
{
    /// <summary>Base URI of the instance (<c>http://host:port/</c>).</summary>
    public Uri ToUri(string scheme = "http") => new($"{scheme}://{InstanceId}/");
}
