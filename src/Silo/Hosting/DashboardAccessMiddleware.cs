using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace TradingAgents.Actors.Silo.Hosting;

/// <summary>Guards <c>/dashboard</c>: loopback clients pass; others need AllowRemote or the bearer token.</summary>
internal sealed partial class DashboardAccessMiddleware(RequestDelegate next, IOptionsMonitor<DashboardAccessOptions> options, ILogger<DashboardAccessMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;
        var current = options.CurrentValue;
        if (remote is null || IPAddress.IsLoopback(remote) || current.AllowRemote || HasToken(context, current.Token))
        {
            return next(context);
        }

        LogRefused(logger, remote);
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return Results.Problem(
            detail: "The dashboard answers loopback clients only. Use kubectl port-forward, set Dashboard:AllowRemote=true, or configure Dashboard:Token and send it as a bearer token.",
            statusCode: StatusCodes.Status403Forbidden,
            title: "Dashboard access refused").ExecuteAsync(context);
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

    [LoggerMessage(EventId = 2200, Level = LogLevel.Warning, Message = "Dashboard request from {Remote} refused: not loopback and no valid token")]
    private static partial void LogRefused(ILogger logger, IPAddress remote);
}
