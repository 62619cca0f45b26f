using TradingAgents.Actors.Client.Metrics;
using TradingAgents.Actors.Silo.Gateway;

namespace TradingAgents.Actors.Silo.Observability;

/// <summary>Turns the gateway's forwarding events into the call metrics and the failure window.</summary>
internal sealed class MetricsGatewayObserver(GatewayCallInstruments instruments, CallFailureWindow failures) : IGatewayObserver
{
    public void OnAttempt(in GatewayAttempt attempt)
    {
        // Every attempt followed one selection by the service grain.
        instruments.Calls.RecordDiscoveryCall(attempt.Service);
        var outcome = attempt.Success
            ? ClientInstruments.Success
            : attempt.StatusCode == StatusCodes.Status504GatewayTimeout ? ClientInstruments.Timeout : ClientInstruments.Failure;
        instruments.Calls.RecordCallDuration(attempt.Service, attempt.InstanceId, outcome, attempt.Latency);
    }

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
}
