using Microsoft.Extensions.Options;

namespace TradingAgents.Actors.Silo.Hosting;

/// <summary>
/// Adds <c>Management:Port</c> to the server's addresses, on the gateway's own host unless
/// <c>Management:Host</c> says otherwise. <see cref="OperatorAccessMiddleware"/> decides what it serves.
/// </summary>
internal sealed partial class ManagementPortStartupFilter(IOptions<ManagementOptions> options, ILogger<ManagementPortStartupFilter> logger) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        if (options.Value.Port is { } port && !ListenHost.TryAddPort(app, options.Value.Host, port))
        {
            LogManagementPortNotAdded(logger, port);
        }

        next(app);
    };

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning,
        Message = "Management:Port {Port} was not added: the server's addresses come from Kestrel endpoints; add an endpoint for the port there.")]
    private static partial void LogManagementPortNotAdded(ILogger logger, int port);
}
