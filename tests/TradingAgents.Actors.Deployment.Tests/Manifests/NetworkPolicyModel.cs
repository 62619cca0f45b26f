using System.Globalization;
using System.Net;
using k8s.Models;

namespace TradingAgents.Actors.Tests.Manifests;

/// <summary>
/// The NetworkPolicy semantics of <c>networking.k8s.io/v1</c> as far as these manifests use them: a pod
/// selected by some policy of a type accepts only what one of those policies' rules allows; a
/// connection needs the source's egress and the destination's ingress.
/// </summary>
public sealed class NetworkPolicyModel(IEnumerable<V1NetworkPolicy> policies)
{
    private readonly List<V1NetworkPolicy> _policies = [.. policies];

    /// <summary>True when <paramref name="from"/> may open a connection to <paramref name="to"/> on <paramref name="port"/>.</summary>
    public bool Allows(Peer from, Peer to, int port, string protocol = "TCP") =>
        EgressAllows(from, to, port, protocol) && IngressAllows(from, to, port, protocol);

    /// <summary>The policies that select <paramref name="pod"/> for <paramref name="type"/> (Ingress or Egress).</summary>
    public IEnumerable<V1NetworkPolicy> Selecting(Peer pod, string type) =>
        pod.External is not null
            ? []
            : _policies.Where(p => p.Metadata.NamespaceProperty == pod.Namespace && Matches(p.Spec.PodSelector, pod.Labels) && Types(p).Contains(type));

    private bool IngressAllows(Peer from, Peer to, int port, string protocol)
    {
        var selecting = Selecting(to, "Ingress").ToList();
        return selecting.Count == 0 || selecting.Any(p => (p.Spec.Ingress ?? []).Any(rule =>
            PortMatches(rule.Ports, to, port, protocol) && (rule.FromProperty is not { Count: > 0 } peers || peers.Any(peer => PeerMatches(peer, from, p.Metadata.NamespaceProperty)))));
    }

    private bool EgressAllows(Peer from, Peer to, int port, string protocol)
    {
        var selecting = Selecting(from, "Egress").ToList();
        return selecting.Count == 0 || selecting.Any(p => (p.Spec.Egress ?? []).Any(rule =>
            PortMatches(rule.Ports, to, port, protocol) && (rule.To is not { Count: > 0 } peers || peers.Any(peer => PeerMatches(peer, to, p.Metadata.NamespaceProperty)))));
    }

    private static IReadOnlyList<string> Types(V1NetworkPolicy policy) =>
        policy.Spec.PolicyTypes is { Count: > 0 } types
            ? [.. types]
            : policy.Spec.Egress is { Count: > 0 } ? ["Ingress", "Egress"] : ["Ingress"];

    private static bool PeerMatches(V1NetworkPolicyPeer peer, Peer candidate, string policyNamespace)
    {
        if (peer.IpBlock is { } block)
        {
            return candidate.External is { } address && InCidr(address, block.Cidr) && !(block.Except ?? []).Any(e => InCidr(address, e));
        }

        if (candidate.External is not null)
        {
            return false;
        }

        var namespaceMatches = peer.NamespaceSelector is { } namespaces
            ? Matches(namespaces, candidate.NamespaceLabels)
            : candidate.Namespace == policyNamespace;
        return namespaceMatches && (peer.PodSelector is null || Matches(peer.PodSelector, candidate.Labels));
    }

    private static bool PortMatches(IList<V1NetworkPolicyPort>? ports, Peer destination, int port, string protocol) =>
        ports is not { Count: > 0 } || ports.Any(p =>
        {
            if ((p.Protocol ?? "TCP") != protocol)
            {
                return false;
            }

            if (p.Port is null)
            {
                return true;
            }

            if (int.TryParse(p.Port.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return p.EndPort is { } end ? port >= number && port <= end : port == number;
            }

            // A named port is resolved against the destination pod's container ports.
            return destination.Ports.Any(c => c.Name == p.Port.Value && c.ContainerPort == port && (c.Protocol ?? "TCP") == protocol);
        });

    /// <summary>Label selector semantics: every matchLabels pair and every expression must hold; an empty selector matches all.</summary>
    public static bool Matches(V1LabelSelector selector, IReadOnlyDictionary<string, string> labels)
    {
        foreach (var (key, value) in selector.MatchLabels ?? new Dictionary<string, string>())
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }

        foreach (var expression in selector.MatchExpressions ?? [])
        {
            var has = labels.TryGetValue(expression.Key, out var actual);
            var ok = expression.OperatorProperty switch
            {
                "In" => has && expression.Values.Contains(actual!),
                "NotIn" => !has || !expression.Values.Contains(actual!),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => throw new InvalidOperationException($"Unknown selector operator {expression.OperatorProperty}."),
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool InCidr(IPAddress address, string cidr)
    {
        var parts = cidr.Split('/');
        var network = IPAddress.Parse(parts[0]).GetAddressBytes();
        var bytes = address.GetAddressBytes();
        if (network.Length != bytes.Length)
        {
            return false;
        }

        var bits = int.Parse(parts[1], CultureInfo.InvariantCulture);
        for (var i = 0; i < bytes.Length && bits > 0; i++, bits -= 8)
        {
            var mask = bits >= 8 ? 0xFF : (byte)(0xFF << (8 - bits));
            if ((bytes[i] & mask) != (network[i] & mask))
            {
                return false;
            }
        }

        return true;
    }
}
