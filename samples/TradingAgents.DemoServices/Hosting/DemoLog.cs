using Microsoft.Extensions.Logging;

namespace TradingAgents.DemoServices.Hosting;

/// <summary>Log messages of the demo backends.</summary>
internal static partial class DemoLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Service} instance {Instance} listening on {Address}")]
    public static partial void Started(this ILogger logger, string service, string instance, Uri address);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "{Service} instance {Instance} faults set: latency {LatencyMs} ms, error rate {ErrorRate}, hang {Hang}, unhealthy {Unhealthy}")]
    public static partial void FaultsChanged(this ILogger logger, string service, string instance, long latencyMs, double errorRate, bool hang, bool unhealthy);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "{Service} instance {Instance} killed: listener closed, {Connections} connection(s) aborted")]
    public static partial void Killed(this ILogger logger, string service, string instance, int connections);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "{Service} instance {Instance} stopped")]
    public static partial void Stopped(this ILogger logger, string service, string instance);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "{Service} instance {Instance} injected a 500 into {Method} {Path}")]
    public static partial void InjectedError(this ILogger logger, string service, string instance, string method, string path);
}
