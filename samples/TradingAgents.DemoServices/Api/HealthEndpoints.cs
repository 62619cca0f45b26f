using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TradingAgents.DemoServices.Hosting;

namespace TradingAgents.DemoServices.Api;

/// <summary><c>/health</c> and <c>/ready</c>, both 503 while the health flip is on.</summary>
internal static class HealthEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/health", (InstanceIdentity identity, DemoFaults faults) => faults.HealthFlip
            ? Results.Json(new HealthResponse("unhealthy", identity.Service, identity.Instance), DemoJson.Options, statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Json(new HealthResponse("healthy", identity.Service, identity.Instance), DemoJson.Options));

        endpoints.MapGet("/ready", (InstanceIdentity identity, DemoFaults faults) => faults.HealthFlip
            ? Results.Json(new HealthResponse("not_ready", identity.Service, identity.Instance), DemoJson.Options, statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Json(new HealthResponse("ready", identity.Service, identity.Instance), DemoJson.Options));
    }

    internal sealed record HealthResponse(string Status, string Service, string Instance);
}
