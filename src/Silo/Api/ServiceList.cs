namespace TradingAgents.Actors.Silo.Api;

/// <summary>The body of <c>GET /api/discovery/services</c>.</summary>
/// <param name="Services">Every configured or discovered service, sorted by name.</param>
public sealed record ServiceList(IReadOnlyList<ServiceSummary> Services);
