namespace TradingAgents.Actors.Silo.Hosting;

/// <summary>The body of <c>/health</c>.</summary>
/// <param name="Status">Always <c>healthy</c>: the process answers.</param>
public sealed record HealthReport(string Status);
