using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TradingAgents.DemoServices.Hosting;

namespace TradingAgents.DemoServices.Api;

/// <summary>Maps one service's routes; the other services' paths answer 404 like any unknown path.</summary>
internal static class DemoApi
{
    public static void Map(IEndpointRouteBuilder endpoints, DemoServiceKind service)
    {
        HealthEndpoints.Map(endpoints);
        AdminEndpoints.Map(endpoints);
        switch (service)
        {
            case DemoServiceKind.AnalysisEngine:
                AnalysisEndpoints.Map(endpoints);
                break;
            case DemoServiceKind.DataService:
                DataEndpoints.Map(endpoints);
                break;
            case DemoServiceKind.LlmService:
                LlmEndpoints.Map(endpoints);
                break;
            case DemoServiceKind.MemoryService:
                MemoryEndpoints.Map(endpoints);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(service), service, "Not a defined demo service kind.");
        }

        endpoints.MapFallback((HttpContext context, InstanceIdentity identity) => Results.Problem(
            title: "Not found",
            detail: $"{identity.Service} has no route for {context.Request.Method} {context.Request.Path}.",
            statusCode: StatusCodes.Status404NotFound));
    }
}
