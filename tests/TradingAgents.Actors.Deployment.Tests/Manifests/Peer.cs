using System.Net;
using k8s.Models;

namespace TradingAgents.Actors.Tests.Manifests;

/// <summary>A pod, or an address outside the cluster (<see cref="External"/>), as NetworkPolicies see it.</summary>
public sealed record Peer(string Namespace, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<V1ContainerPort> Ports, IPAddress? External = null)
{
    public static Peer Pod(string @namespace, IReadOnlyDictionary<string, string> labels, params V1ContainerPort[] ports) => new(@namespace, labels, ports);

    public static Peer Address(string address) => new(string.Empty, new Dictionary<string, string>(), [], IPAddress.Parse(address));

    /// <summary>Namespaces carry their name as the label <c>kubernetes.io/metadata.name</c>.</summary>
    public IReadOnlyDictionary<string, string> NamespaceLabels => new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = Namespace };
}
