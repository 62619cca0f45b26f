using Microsoft.Extensions.Options;
using TradingAgents.Actors.Silo.Hosting;

namespace TradingAgents.Actors.Silo.Observability;

/// <summary>
/// Adds the metrics port to the server's addresses and keeps everything but <c>/metrics</c> off it.
/// A startup filter runs after the host has copied <c>urls</c> into the server's addresses and before
/// the server binds them, so the main address stays whatever <c>urls</c> says; a Kestrel <c>Listen</c>
/// call would instead replace every configured URL.
/// </summary>
internal sealed partial class MetricsPortStartupFilter(IOptions<MetricsOptions> options, ILogger<MetricsPortStartupFilter> logger) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        if (options.Value.Port is { } port)
        {
            if (ListenHost.TryAddPort(app, options.Value.Host, port))
            {
                app.Use((context, nextMiddleware) =>
                    context.Connection.LocalPort == port && !context.Request.Path.Equals(MetricsOptions.Path, StringComparison.OrdinalIgnoreCase)
                        ? NotFound(context)
                        : nextMiddleware(context));
            }
            else
            {
                LogMetricsPortNotAdded(logger, port);
            }
        }

        next(app);
    };

    private static Task NotFound(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning,
        Message = "Metrics:Port {Port} was not added: the server's addresses come from Kestrel endpoints; add an endpoint for the port there.")]
    private static partial void LogMetricsPortNotAdded(ILogger logger, int port);
}
