using System.Collections.Immutable;

namespace TradingAgents.Actors.Discovery.Configuration;

/// <summary>The configuration source's set for one service after one reading of the options.</summary>
/// <param name="Version">Version to publish; moves only when <paramref name="Endpoints"/> changes.</param>
/// <param name="Endpoints">The configured endpoints, sorted by instance id; empty once the service left the file.</param>
/// <param name="Changed">True when the set differs from the previous reading (or is new).</param>
internal sealed record ConfiguredEndpointSet(long Version, ImmutableArray<ServiceEndpoint> Endpoints, bool Changed);
