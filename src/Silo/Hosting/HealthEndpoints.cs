using TradingAgents.Actors.Silo.Gateway;

namespace TradingAgents.Actors.Silo.Hosting;

/// <summary>
/// <c>/health</c> (the process answers) and <c>/ready</c> (the silo is active, the routers are warm, the
/// gateway is not draining, and <see cref="EndpointReadiness"/> does not hold it back).
/// </summary>
public static class HealthEndpoints
{
    /// <summary>Maps <c>GET /health</c> and <c>GET /ready</c>.</summary>
    public static IEndpointRouteBuilder MapGatewayHealth(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/health", () => TypedResults.Ok(new HealthReport("healthy")));
        endpoints.MapGet("/ready", (SiloReadiness silo, DrainCoordinator drain, RouterWarmup warmup, EndpointReadiness endpointCoverage) =>
        {
            var coverage = endpointCoverage.Evaluate();
            var ready = silo.IsActive && !drain.IsDraining && warmup.IsWarm && !coverage.BlocksReadiness;
            var status = !ready ? "notReady" : coverage.ServicesWithoutEndpoints.Count > 0 ? "degraded" : "ready";
            var report = new ReadinessReport(status, silo.IsActive, drain.IsDraining, drain.InFlight, warmup.IsWarm, warmup.Pending, coverage.ServicesWithoutEndpoints);
            return ready ? Results.Ok(report) : Results.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        return endpoints;
    }
}
