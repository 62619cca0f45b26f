using k8s.Models;

namespace TradingAgents.Actors.Tests.Fakes;

/// <summary>Builders of EndpointSlices for tests.</summary>
public static class Slices
{
    /// <summary>The namespace the tests watch.</summary>
    public const string Namespace = "trading-system";

    /// <summary>A slice of <paramref name="service"/> with one port (default <c>http</c> 8080).</summary>
    public static V1EndpointSlice Create(
        string name,
        string service,
        IEnumerable<V1Endpoint> endpoints,
        string addressType = "IPv4",
        string? portName = "http",
        int port = 8080,
        string @namespace = Namespace) => new()
        {
            ApiVersion = "discovery.k8s.io/v1",
            Kind = "EndpointSlice",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = @namespace,
                Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = service },
            },
            AddressType = addressType,
            Ports = [new Discoveryv1EndpointPort { Name = portName, Port = port, Protocol = "TCP" }],
            Endpoints = [.. endpoints],
        };

    /// <summary>An endpoint with explicit conditions (null = absent).</summary>
    public static V1Endpoint Endpoint(
        string address,
        bool? ready = true,
        bool? serving = null,
        bool? terminating = null,
        string? zone = null,
        string? node = null,
        string? pod = null) => new()
        {
            Addresses = [address],
            Conditions = new V1EndpointConditions { Ready = ready, Serving = serving ?? ready, Terminating = terminating },
            Zone = zone,
            NodeName = node,
            TargetRef = pod is null ? null : new V1ObjectReference { Kind = "Pod", Name = pod, NamespaceProperty = Namespace },
        };
}
