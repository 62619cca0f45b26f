using System.Collections.Immutable;
using TradingAgents.Actors.Configuration;

namespace TradingAgents.Actors.Discovery.Configuration;

/// <summary>
/// Turns the configured <c>endpoints:</c> lists into whole endpoint sets with versions.
/// <para>
/// Versions: a set keeps its version while its content stays the same; a new or changed set gets
/// <c>max(previous + 1, floor)</c>, where the caller passes the current UTC ticks as the floor. Every
/// silo runs this on its own copy of the file, and the service grain keeps the highest version per
/// source, so a changed set must outrank what every silo published for the old content. Using the
/// wall-clock time of the reading gives that without coordination. The limit: versions are not equal
/// across silos (each has its own reading time), only ordered by when each silo saw its content; while
/// a ConfigMap edit is still reaching the nodes, the silo that read last wins, which can briefly be
/// the old content, and the sets converge once every silo reads the same file (clocks assumed in step
/// to well within the time between two edits).
/// </para>
/// </summary>
internal static class ConfigurationEndpointSets
{
    /// <summary>
    /// The sets for every configured service, and an empty set for each service of
    /// <paramref name="previous"/> that is no longer configured, so its endpoints disappear.
    /// </summary>
    public static ImmutableDictionary<string, ConfiguredEndpointSet> Compute(
        ServiceDiscoveryOptions options,
        IReadOnlyDictionary<string, ConfiguredEndpointSet> previous,
        long versionFloor)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(previous);

        var result = ImmutableDictionary.CreateBuilder<string, ConfiguredEndpointSet>(StringComparer.Ordinal);
        foreach (var (name, service) in options.Services)
        {
            result[name] = Next(previous.GetValueOrDefault(name), ToEndpoints(service), versionFloor);
        }

        foreach (var (name, set) in previous)
        {
            if (!result.ContainsKey(name))
            {
                result[name] = Next(set, [], versionFloor);
            }
        }

        return result.ToImmutable();
    }

    /// <summary>The endpoints of one service: always ready, weight from the endpoint or else the service, named by its <c>name</c>.</summary>
    public static ImmutableArray<ServiceEndpoint> ToEndpoints(ServiceOptions service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return
        [
            .. service.Endpoints
                .Select(e => new ServiceEndpoint(e.Host, e.Port, EndpointConditions.ReadyToServe, e.Zone, e.Node, e.Weight ?? service.Weight, e.Name))
                .OrderBy(static e => e.InstanceId, StringComparer.Ordinal),
        ];
    }

    private static ConfiguredEndpointSet Next(ConfiguredEndpointSet? previous, ImmutableArray<ServiceEndpoint> endpoints, long versionFloor)
    {
        if (previous is null)
        {
            return new ConfiguredEndpointSet(versionFloor, endpoints, Changed: true);
        }

        return previous.Endpoints.SequenceEqual(endpoints)
            ? previous with { Changed = false }
            : new ConfiguredEndpointSet(Math.Max(previous.Version + 1, versionFloor), endpoints, Changed: true);
    }
}
