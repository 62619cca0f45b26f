using System.Globalization;
using Microsoft.Extensions.Configuration;
using TradingAgents.Actors.Discovery;

namespace TradingAgents.Actors.Configuration;

/// <summary>
/// Says in one line what a reload changed: services added and removed, endpoints added and removed per
/// service, and every other key whose value changed (<c>old -> new</c>). Endpoints are compared as
/// parsed (<c>host:port</c> plus zone, node, name, weight), so reordering the list or switching between the
/// string and the map form is no change.
/// </summary>
internal static class ConfigurationChanges
{
    private const string ServicesPrefix = ServiceDiscoveryOptions.SectionName + ":services:";

    /// <summary>The changes from <paramref name="before"/> to <paramref name="after"/>; null when there are none.</summary>
    public static string? Describe(IConfiguration before, ServiceDiscoveryOptions beforeOptions, IConfiguration after, ServiceDiscoveryOptions afterOptions)
    {
        var parts = new List<string>();
        var added = afterOptions.Services.Keys.Except(beforeOptions.Services.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var removed = beforeOptions.Services.Keys.Except(afterOptions.Services.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (added.Count > 0)
        {
            parts.Add($"services added: {string.Join(", ", added)}");
        }

        if (removed.Count > 0)
        {
            parts.Add($"services removed: {string.Join(", ", removed)}");
        }

        foreach (var (name, service) in afterOptions.Services.OrderBy(static p => p.Key, StringComparer.Ordinal))
        {
            if (!beforeOptions.Services.TryGetValue(name, out var old))
            {
                continue;
            }

            var oldEndpoints = old.Endpoints.Select(Format).ToHashSet(StringComparer.Ordinal);
            var newEndpoints = service.Endpoints.Select(Format).ToHashSet(StringComparer.Ordinal);
            var plus = newEndpoints.Except(oldEndpoints).Order(StringComparer.Ordinal).Select(static e => "+" + e);
            var minus = oldEndpoints.Except(newEndpoints).Order(StringComparer.Ordinal).Select(static e => "-" + e);
            var endpointChanges = plus.Concat(minus).ToList();
            if (endpointChanges.Count > 0)
            {
                parts.Add($"{name} endpoints {string.Join(" ", endpointChanges)}");
            }
        }

        var settings = ChangedSettings(Flatten(before), Flatten(after), added.Concat(removed).ToHashSet(StringComparer.OrdinalIgnoreCase));
        if (settings.Count > 0)
        {
            parts.Add($"settings changed: {string.Join(", ", settings)}");
        }

        return parts.Count == 0 ? null : string.Join("; ", parts);
    }

    private static List<string> ChangedSettings(Dictionary<string, string> before, Dictionary<string, string> after, HashSet<string> servicesAddedOrRemoved)
    {
        var changes = new List<string>();
        foreach (var key in before.Keys.Union(after.Keys, StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase))
        {
            if (IsEndpointKey(key) || IsUnder(key, servicesAddedOrRemoved))
            {
                continue;
            }

            var hadOld = before.TryGetValue(key, out var oldValue);
            var hasNew = after.TryGetValue(key, out var newValue);
            if (hadOld && hasNew && string.Equals(oldValue, newValue, StringComparison.Ordinal))
            {
                continue;
            }

            var shortKey = key[(ServiceDiscoveryOptions.SectionName.Length + 1)..];
            changes.Add(string.Create(CultureInfo.InvariantCulture, $"{shortKey} {(hadOld ? oldValue : "(unset)")} -> {(hasNew ? newValue : "(unset)")}"));
        }

        return changes;
    }

    private static bool IsEndpointKey(string key)
    {
        if (!key.StartsWith(ServicesPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = key[ServicesPrefix.Length..].Split(':');
        return rest.Length >= 2 && string.Equals(rest[1], "endpoints", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsUnder(string key, HashSet<string> services)
    {
        if (!key.StartsWith(ServicesPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = key[ServicesPrefix.Length..];
        var end = rest.IndexOf(':', StringComparison.Ordinal);
        return services.Contains(end < 0 ? rest : rest[..end]);
    }

    private static Dictionary<string, string> Flatten(IConfiguration configuration) =>
        configuration.GetSection(ServiceDiscoveryOptions.SectionName).AsEnumerable()
            .Where(static pair => pair.Value is not null)
            .ToDictionary(static pair => pair.Key, static pair => pair.Value!, StringComparer.OrdinalIgnoreCase);

    private static string Format(StaticEndpointOptions endpoint)
    {
        var text = EndpointAddress.Format(endpoint.Host, endpoint.Port);
        var extras = new List<string>();
        if (endpoint.Zone is not null)
        {
            extras.Add($"zone={endpoint.Zone}");
        }

        if (endpoint.Node is not null)
        {
            extras.Add($"node={endpoint.Node}");
        }

        if (endpoint.Name is not null)
        {
            extras.Add($"name={endpoint.Name}");
        }

        if (endpoint.Weight is { } weight)
        {
            extras.Add(string.Create(CultureInfo.InvariantCulture, $"weight={weight}"));
        }

        return extras.Count == 0 ? text : $"{text} ({string.Join(" ", extras)})";
    }
}
