using TradingAgents.Actors.Client.Metrics;
using TradingAgents.Actors.Silo.Gateway;

namespace TradingAgents.Actors.Silo.Observability;

/// <summary>
/// Turns the gateway's forwarding events into the call metrics and the failure window, and logs an
/// attempt that failed with no retry after it as one line (at most one per service every
/// <see cref="FailureLogInterval"/>). Attempts that were retried are logged by the forwarder at Debug;
/// YARP's own per-attempt warning with its stack trace is filtered out (see <c>GatewayApp</c>).
/// </summary>
internal sealed partial class MetricsGatewayObserver(
    GatewayCallInstruments instruments,
    CallFailureWindow failures,
    TimeProvider timeProvider,
    ILogger<MetricsGatewayObserver> logger) : IGatewayObserver
{
    /// <summary>The shortest time between two failure lines of one service.</summary>
    public static readonly TimeSpan FailureLogInterval = TimeSpan.FromSeconds(10);

    private readonly LogThrottle _failureLog = new(timeProvider, FailureLogInterval, (service, count) => LogFailuresHeldBack(logger, service, count, (int)FailureLogInterval.TotalSeconds));

    public void OnAttempt(in GatewayAttempt attempt)
    {
        if (!attempt.Success && !attempt.WillRetry && attempt.Error is { } error
            && logger.IsEnabled(LogLevel.Warning) && _failureLog.ShouldLog(attempt.Service, out var suppressed))
        {
            LogCallFailed(logger, attempt.Service, attempt.InstanceId, attempt.Attempt, error, suppressed);
        }

        // Every attempt followed one selection by the service grain.
        instruments.Calls.RecordDiscoveryCall(attempt.Service);
        instruments.Calls.RecordCallDuration(attempt.Service, ClientInstruments.OutcomeOf(attempt.Kind, attempt.TimedOut), attempt.Latency);
    }

    public void OnStopping() => _failureLog.FlushHeldBack();

    public void OnCompleted(in GatewayCompletion completion)
    {
        if (completion.Result == GatewayResult.NoSelectableInstance)
        {
            // The selection that found nothing was a discovery call too.
            instruments.Calls.RecordDiscoveryCall(completion.Service);
        }

        if (IsFailure(completion) is { } failed)
        {
            failures.Record(completion.Service, failed);
        }
    }

    /// <summary>
    /// True or false for calls that say something about the service; null for requests that never
    /// were service calls (unknown name, rejected input, draining, the client leaving).
    /// </summary>
    internal static bool? IsFailure(in GatewayCompletion completion) => completion.Result switch
    {
        GatewayResult.Forwarded => completion.StatusCode >= StatusCodes.Status500InternalServerError,
        GatewayResult.NoSelectableInstance or GatewayResult.TimedOut or GatewayResult.BadGateway => true,
        _ => null,
    };

    [LoggerMessage(EventId = 7102, Level = LogLevel.Warning,
        Message = "Call to {Service} failed on instance {Instance} (attempt {Attempt}, no retry left or allowed): {Error} ({Suppressed} similar failures of the service since the previous line)")]
    private static partial void LogCallFailed(ILogger logger, string service, string instance, int attempt, string error, long suppressed);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Warning, Message = "Calls to {Service}: {Count} more failed with no retry left or allowed in the last {IntervalSeconds} s, not logged one by one")]
    private static partial void LogFailuresHeldBack(ILogger logger, string service, long count, int intervalSeconds);
}
