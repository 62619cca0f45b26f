using Microsoft.Extensions.Logging;
using TradingAgents.Actors.Discovery;

namespace TradingAgents.Actors.Client.Http;

public sealed partial class ServiceDiscoveryHandler
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "No instance of service {Service} was selected ({Status}): {Reason}")]
    private static partial void LogNoInstance(ILogger logger, string service, SelectionStatus status, string? reason);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Attempt {Attempt} to service {Service} instance {InstanceId} failed: {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, string service, string instanceId, int attempt, string error);
}
