using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using TradingAgents.Actors.Silo.Observability;

namespace TradingAgents.Actors.Silo.Hosting;

/// <summary>
/// One access policy for the operator surfaces (<see cref="OperatorSurfaces"/>). With a management port,
/// they are served there and the client port answers 404 (the metrics port keeps serving <c>/metrics</c>).
/// Without one, loopback clients pass (as <c>kubectl port-forward</c> traffic does) and others need
/// <c>Dashboard:AllowRemote</c> or the <c>Dashboard:Token</c> bearer token.
/// </summary>
internal sealed partial class OperatorAccessMiddleware(
    RequestDelegate next,
    IOptionsMonitor<DashboardAccessOptions> options,
    IOptionsMonitor<ManagementOptions> management,
    IOptionsMonitor<MetricsOptions> metrics,
    ILogger<OperatorAccessMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (!OperatorSurfaces.Contains(path))
        {
            return next(context);
        }

        var localPort = context.Connection.LocalPort;
        if (metrics.CurrentValue.Port is { } metricsPort && localPort == metricsPort && path.Equals(MetricsOptions.Path, StringComparison.OrdinalIgnoreCase))
        {
            return next(context);
        }

        if (management.CurrentValue.Port is { } managementPort)
        {
            if (localPort == managementPort)
            {
                return next(context);
            }

            return Results.Problem(
                detail: $"'{path}' is served on the management port only.",
                statusCode: StatusCodes.Status404NotFound,
                title: "Not found").ExecuteAsync(context);
        }

        var remote = context.Connection.RemoteIpAddress;
        var current = options.CurrentValue;
        if (remote is null || IPAddress.IsLoopback(remote) || current.AllowRemote || HasToken(context, current.Token))
        {
            return next(context);
        }

        LogRefused(logger, path, remote);
        return Results.Problem(
            detail: "Operator pages and APIs answer loopback clients only. Use kubectl port-forward, set Management:Port and reach that port, set Dashboard:AllowRemote=true, or configure Dashboard:Token and send it as a bearer token.",
            statusCode: StatusCodes.Status403Forbidden,
            title: "Operator access refused").ExecuteAsync(context);
    }

    private static bool HasToken(HttpContext context, string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return false;
        }

        var header = context.Request.Headers.Authorization.ToString();
        const string Prefix = "Bearer ";
        if (!header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[Prefix.Length..].Trim()), Encoding.UTF8.GetBytes(token));
    }

    [LoggerMessage(EventId = 2200, Level = LogLevel.Warning, Message = "Operator request {Path} from {Remote} refused: not loopback and no valid token")]
    private static partial void LogRefused(ILogger logger, PathString path, IPAddress remote);
}
