using k8s.Models;

namespace TradingAgents.Actors.Discovery.Kubernetes;

/// <summary>
/// The valid EndpointSlices the watcher has seen, by namespace and name, indexed by the Kubernetes
/// service they belong to. Owned by the watch loop alone, so it takes no locks.
/// </summary>
internal sealed class EndpointSliceStore
{
    private readonly Dictionary<string, V1EndpointSlice> _slices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _byService = new(StringComparer.Ordinal);

    /// <summary>Number of slices held.</summary>
    public int Count => _slices.Count;

    /// <summary>Every Kubernetes service that has at least one slice.</summary>
    public IEnumerable<string> Services => _byService.Keys;

    /// <summary>The slices of <paramref name="service"/>.</summary>
    public IReadOnlyList<V1EndpointSlice> GetSlices(string service) =>
        _byService.TryGetValue(service, out var keys) ? [.. keys.Select(key => _slices[key])] : [];

    /// <summary>Adds or replaces a validated slice; returns the services whose slices changed (two if its label moved).</summary>
    public IReadOnlyList<string> Upsert(V1EndpointSlice slice)
    {
        var key = KeyOf(slice.Metadata.NamespaceProperty, slice.Metadata.Name);
        var service = EndpointSliceMapper.GetServiceName(slice)!;
        var previous = Detach(key);
        _slices[key] = slice;
        Index(service).Add(key);
        return previous is null || previous == service ? [service] : [previous, service];
    }

    /// <summary>Removes a slice; returns its service, or null when it was not held.</summary>
    public string? Remove(string? @namespace, string name) => Detach(KeyOf(@namespace, name));

    /// <summary>Replaces everything with a fresh list; returns every service that had or has slices.</summary>
    public IReadOnlyCollection<string> ReplaceAll(IEnumerable<V1EndpointSlice> slices)
    {
        var affected = new HashSet<string>(_byService.Keys, StringComparer.Ordinal);
        _slices.Clear();
        _byService.Clear();
        foreach (var slice in slices)
        {
            affected.UnionWith(Upsert(slice));
        }

        return affected;
    }

    // The watcher watches one namespace, but keys carry it so that a cluster-wide watch would not collide.
    private static string KeyOf(string? @namespace, string name) => $"{@namespace}/{name}";

    private HashSet<string> Index(string service)
    {
        if (!_byService.TryGetValue(service, out var keys))
        {
            keys = new HashSet<string>(StringComparer.Ordinal);
            _byService[service] = keys;
        }

        return keys;
    }

    private string? Detach(string key)
    {
        if (!_slices.Remove(key, out var previous))
        {
            return null;
        }

        var service = EndpointSliceMapper.GetServiceName(previous)!;
        if (_byService.TryGetValue(service, out var keys) && keys.Remove(key) && keys.Count == 0)
        {
            _byService.Remove(service);
        }

        return service;
    }
}
