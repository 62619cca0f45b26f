using TradingAgents.Actors.Silo.Gateway;

namespace TradingAgents.Actors.Silo.Hosting;

/// <summary><c>/health</c> (the process answers) and <c>/ready</c> (the silo is active, the routers are warm and the gateway is not draining).</summary>
public static class HealthEndpoints
{
    /// <summary>Maps <c>GET /health</c> and <c>GET /ready</c>.</summary>
    public static IEndpointRouteBuilder MapGatewayHealth(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/health", () => TypedResults.Ok(new HealthReport("healthy")));
        endpoints.MapGet("/ready", (SiloReadiness silo, DrainCoordinator drain, RouterWarmup warmup) =>
        {
            var ready = silo.IsActive && !drain.IsDraining && warmup.IsWarm;
            var report = new ReadinessReport(ready ? "ready" : "notReady", silo.IsActive, drain.IsDraining, drain.InFlight, warmup.IsWarm, warmup.Pending);
            return ready ? Results.Ok(report) : Results.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        return endpoints;
    }
}
