using Orleans.Concurrency;
using TradingAgents.Actors.Discovery;

namespace TradingAgents.Actors.Grains;

/// <summary>
/// One endpoint of one service (key: <see cref="InstanceKey.Format"/>): its fleet-wide circuit
/// breaker, its active health-check timer and its latency statistics.
/// </summary>
[Alias("ta.IInstanceGrain")]
public interface IInstanceGrain : IGrainWithStringKey
{
    /// <summary>Sets or refreshes the endpoint this grain watches and starts probing it. Idempotent.</summary>
    [Alias("Configure")]
    ValueTask<InstanceStatus> ConfigureAsync(ServiceEndpoint endpoint);

    /// <summary>Reports what happened to one call; feeds the breaker, the EWMA latency and the failure count.</summary>
    [Alias("ReportOutcome")]
    ValueTask ReportOutcomeAsync(CallOutcome outcome);

    /// <summary>
    /// Reports several successful ordinary calls at once: as many completed calls, the latency
    /// average moved as if each had been reported, and the failure count reset.
    /// </summary>
    [Alias("ReportSuccesses")]
    ValueTask ReportSuccessesAsync(SuccessBatch batch);

    /// <summary>In half-open state, leases one of the fleet-wide trial calls; false when none is free.</summary>
    [Alias("TryAcquireTrial")]
    ValueTask<bool> TryAcquireTrialAsync();

    /// <summary>The endpoint left every source: stop probing and deactivate.</summary>
    [Alias("Retire")]
    ValueTask RetireAsync();

    /// <summary>Current status and recent transitions.</summary>
    [Alias("GetDetails"), ReadOnly]
    ValueTask<InstanceDetails> GetDetailsAsync();
}
