using TradingAgents.Actors.Configuration;

namespace TradingAgents.Actors.Silo.Api;

/// <summary>The body of <c>GET /api/discovery/services</c>.</summary>
/// <param name="Services">Every configured or discovered service, sorted by name.</param>
/// <param name="Configuration">
/// This gateway's service discovery configuration: when the configuration in force was read and, while
/// the latest reload is rejected, why (<c>reloadFailure</c>); the same as <c>GET /api/discovery/configuration</c>.
/// </param>
public sealed record ServiceList(IReadOnlyList<ServiceSummary> Services, ConfigurationReloadState? Configuration = null);
