using Microsoft.Extensions.Logging;

namespace TradingAgents.Actors.Routing;

public sealed partial class ServiceRouter
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Warning, Message = "Router {Service}: the control plane is unreachable ({Error}); routing from the last snapshot ({AgeSeconds:0.#} s old)")]
    private static partial void LogControlPlaneUnreachable(ILogger logger, string service, double ageSeconds, string error);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Router {Service}: the control plane is unreachable ({Error}) and there is no snapshot yet; requests wait for the first")]
    private static partial void LogControlPlaneUnreachableNoSnapshot(ILogger logger, string service, string error);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Router {Service}: {InstanceId} failed {Failures} times in a row here; no traffic from this process until the fleet view has seen it")]
    private static partial void LogEjectedLocally(ILogger logger, string service, string instanceId, int failures);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Debug, Message = "Router {Service}: {InstanceId} ejected here again after {Failures} failures in a row ({Why})")]
    private static partial void LogEjectedLocallyAgain(ILogger logger, string service, string instanceId, int failures, string why);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "Router {Service}: could not lease trial calls for {InstanceId} ({Error})")]
    private static partial void LogLeaseFailed(ILogger logger, string service, string instanceId, string error);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Router {Service}: background loop failed ({Error}); continuing")]
    private static partial void LogLoopFailed(ILogger logger, string service, string error);
}
