namespace TradingAgents.Actors.Silo.Api;

/// <summary>One service in <c>GET /api/discovery/services</c>.</summary>
/// <param name="Name">Logical service name.</param>
/// <param name="Algorithm">Load-balancing policy in use.</param>
/// <param name="Instances">Endpoints known from every source.</param>
/// <param name="Selectable">Endpoints that may take traffic now.</param>
public sealed record ServiceSummary(string Name, string Algorithm, int Instances, int Selectable);
