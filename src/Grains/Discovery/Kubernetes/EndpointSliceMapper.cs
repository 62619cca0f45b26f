using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using k8s.Models;
using TradingAgents.Actors.Configuration;

namespace TradingAgents.Actors.Discovery.Kubernetes;

/// <summary>
/// Pure rules that turn the EndpointSlices of one Kubernetes service into the endpoint set the grains
/// receive. <see cref="Validate"/> runs once when an object arrives, so that a hostile object is counted
/// once and never stored; <see cref="Map"/> runs on every change of the service and only sees valid slices.
/// </summary>
internal static class EndpointSliceMapper
{
    /// <summary>The label that names the service a slice belongs to.</summary>
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    /// <summary>The most endpoints the API server accepts in one slice; anything above is not a real slice.</summary>
    public const int MaxEndpointsPerSlice = 1000;

    private const string IPv4 = "IPv4";
    private const string IPv6 = "IPv6";
    private const string Fqdn = "FQDN";

    /// <summary>Parses a Kubernetes <c>resourceVersion</c>; etcd revisions are decimal and never negative.</summary>
    public static bool TryParseVersion(string? text, out long version) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out version);

    /// <summary>The service a slice belongs to, from its label; null when unlabelled.</summary>
    public static string? GetServiceName(V1EndpointSlice slice) =>
        slice.Metadata?.Labels is { } labels && labels.TryGetValue(ServiceNameLabel, out var name) && !string.IsNullOrEmpty(name)
            ? name
            : null;

    /// <summary>
    /// Checks everything <see cref="Map"/> relies on. Returns null for a usable slice, else why it must
    /// be skipped. Broken objects are skipped whole: the API server validates real slices, so one bad
    /// field means the rest cannot be trusted either.
    /// </summary>
    public static SliceRejection? Validate(V1EndpointSlice? slice)
    {
        if (slice?.Metadata is null || string.IsNullOrEmpty(slice.Metadata.Name))
        {
            return new("missing_metadata", "metadata.name is missing");
        }

        var name = slice.Metadata.Name;
        if (!TryParseVersion(slice.Metadata.ResourceVersion, out _))
        {
            return new("invalid_resource_version", $"slice '{name}': metadata.resourceVersion '{slice.Metadata.ResourceVersion}' is not a non-negative integer");
        }

        if (GetServiceName(slice) is null)
        {
            return new("missing_service_label", $"slice '{name}': label '{ServiceNameLabel}' is missing");
        }

        if (slice.AddressType is not (IPv4 or IPv6 or Fqdn))
        {
            return new("unknown_address_type", $"slice '{name}': addressType '{slice.AddressType}' is not IPv4, IPv6 or FQDN");
        }

        var endpoints = slice.Endpoints ?? [];
        if (endpoints.Count > MaxEndpointsPerSlice)
        {
            return new("too_many_endpoints", $"slice '{name}': {endpoints.Count} endpoints, the API allows at most {MaxEndpointsPerSlice}");
        }

        foreach (var port in slice.Ports ?? [])
        {
            if (port?.Port is { } number && number is < 1 or > 65535)
            {
                return new("invalid_port", $"slice '{name}': port '{port.Name}' is {number}, not in 1..65535");
            }
        }

        if (slice.AddressType == Fqdn)
        {
            return null;
        }

        var family = slice.AddressType == IPv4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
        foreach (var endpoint in endpoints)
        {
            if (endpoint?.Addresses is not { Count: > 0 } addresses)
            {
                return new("invalid_address", $"slice '{name}': an endpoint has no addresses");
            }

            foreach (var address in addresses)
            {
                if (!IPAddress.TryParse(address, out var ip) || ip.AddressFamily != family)
                {
                    return new("invalid_address", $"slice '{name}': '{address}' is not an {slice.AddressType} address");
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The endpoints of one service: the union of its slices, de-duplicated by address and port, sorted
    /// by instance id. Ready endpoints are kept as they are; serving-and-terminating ones are kept as
    /// draining (used only when nothing else is left); every other endpoint is dropped. FQDN slices are
    /// skipped because the grains balance over addresses.
    /// </summary>
    public static ImmutableArray<ServiceEndpoint> Map(IEnumerable<V1EndpointSlice> slices, ServiceOptions service)
    {
        ArgumentNullException.ThrowIfNull(slices);
        ArgumentNullException.ThrowIfNull(service);

        var weight = Math.Max(1, service.Weight);
        var byId = new Dictionary<string, ServiceEndpoint>(StringComparer.Ordinal);
        foreach (var slice in slices)
        {
            if (slice.AddressType == Fqdn || FindPort(slice, service) is not { } port)
            {
                continue;
            }

            foreach (var endpoint in slice.Endpoints ?? [])
            {
                var conditions = ReadConditions(endpoint.Conditions);
                if (!conditions.IsUsable)
                {
                    continue;
                }

                // The API says consumers use the first address; the others are the same pod's.
                var host = IPAddress.Parse(endpoint.Addresses[0]).ToString();
                var candidate = new ServiceEndpoint(host, port, conditions, endpoint.Zone, endpoint.NodeName, weight, endpoint.TargetRef?.Name);

                // An endpoint moving between slices appears in both for a moment; keep its better state.
                if (!byId.TryGetValue(candidate.InstanceId, out var held) || (!held.Conditions.Ready && conditions.Ready))
                {
                    byId[candidate.InstanceId] = candidate;
                }
            }
        }

        return [.. byId.Values.OrderBy(static e => e.InstanceId, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The slice port to use. An EndpointSlice lists the Service's ports by the Service port's name with
    /// the target port's number (Service port 80 → targetPort 8080 gives <c>http</c>/8080), so the name is
    /// what both sides share: the port named <see cref="ServiceOptions.PortName"/> first, then the port
    /// numbered <see cref="ServiceOptions.Port"/>, then the only port of a slice with a single unnamed one.
    /// </summary>
    public static int? FindPort(V1EndpointSlice slice, ServiceOptions service)
    {
        var ports = slice.Ports ?? [];
        foreach (var port in ports)
        {
            if (port?.Port is { } number && string.Equals(port.Name, service.PortName, StringComparison.Ordinal))
            {
                return number;
            }
        }

        foreach (var port in ports)
        {
            if (port?.Port is { } number && service.Port == number)
            {
                return number;
            }
        }

        return ports.Count == 1 && string.IsNullOrEmpty(ports[0]?.Name) ? ports[0]?.Port : null;
    }

    /// <summary>
    /// Why some of <paramref name="slices"/> give no endpoints because no port matches
    /// (<see cref="FindPort"/>); null when every IP slice has a usable port.
    /// </summary>
    public static string? DescribePortMismatch(IReadOnlyCollection<V1EndpointSlice> slices, ServiceOptions service)
    {
        ArgumentNullException.ThrowIfNull(slices);
        ArgumentNullException.ThrowIfNull(service);
        var unmatched = slices.Where(s => s.AddressType != Fqdn && FindPort(s, service) is null).ToList();
        if (unmatched.Count == 0)
        {
            return null;
        }

        var offered = unmatched
            .SelectMany(s => s.Ports ?? [])
            .Select(p => $"{(string.IsNullOrEmpty(p?.Name) ? "(unnamed)" : p.Name)}/{p?.Port}")
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        var wanted = service.Port is { } number ? $"named '{service.PortName}' or numbered {number}" : $"named '{service.PortName}'";
        return $"{unmatched.Count} of {slices.Count} EndpointSlice(s) have no port {wanted} (they offer {string.Join(", ", offered)}); their endpoints are not used";
    }

    /// <summary>Reads conditions with the API's documented meaning of absent values.</summary>
    private static EndpointConditions ReadConditions(V1EndpointConditions? conditions)
    {
        // ready: unknown is to be read as ready; serving: unknown means the same as ready; terminating: unknown is false.
        var ready = conditions?.Ready ?? true;
        var serving = conditions?.Serving ?? ready;
        var terminating = conditions?.Terminating ?? false;
        return new EndpointConditions(ready, serving, terminating);
    }
}
