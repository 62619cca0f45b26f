using System.Globalization;

namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>The gateway's own error answers: RFC 9457 problem JSON naming the service and the reason.</summary>
internal static class GatewayProblems
{
    public static Task WriteAsync(HttpContext context, int statusCode, string title, string detail, string? service, int? retryAfterSeconds = null)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return Task.CompletedTask;
        }

        response.Clear();
        if (retryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        var extensions = service is null ? null : new Dictionary<string, object?> { ["service"] = service };
        return Results.Problem(detail: detail, statusCode: statusCode, title: title, extensions: extensions).ExecuteAsync(context);
    }
}
