namespace TradingAgents.Actors.Silo.Hosting;

/// <summary>What <see cref="EndpointReadiness"/> found.</summary>
/// <param name="BlocksReadiness">True while the gateway must not report ready.</param>
/// <param name="ServicesWithoutEndpoints">Configured services for which no source lists an endpoint, sorted.</param>
public sealed record EndpointCoverage(bool BlocksReadiness, IReadOnlyList<string> ServicesWithoutEndpoints);
