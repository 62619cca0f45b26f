using Orleans.Concurrency;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Grains;

/// <summary>
/// One endpoint of one service (key: <see cref="InstanceKey.Format"/>): its fleet-wide circuit
/// breaker, its active health-check timer, its latency statistics and its backpressure window.
/// </summary>
/// <remarks>No method waits on the endpoint itself: a health probe's HTTP request runs outside the
/// grain's turns and only its result enters the grain.</remarks>
[Alias("ta.IInstanceGrain")]
public interface IInstanceGrain : IGrainWithStringKey
{
    /// <summary>Sets or refreshes the endpoint this grain watches and starts probing it. Idempotent.</summary>
    [Alias("Configure")]
    ValueTask<InstanceStatus> ConfigureAsync(ServiceEndpoint endpoint);

    /// <summary>
    /// Applies a slice of one reporter's ordered outcome stream: entries in the order their calls ended.
    /// Consecutive failures are counted per reporter stream; only outcomes admitted under the current
    /// breaker generation count toward it; cancelled calls only release their trial lease; a resent
    /// report (same reporter and sequence) is ignored.
    /// </summary>
    [Alias("ReportOutcomes")]
    ValueTask ReportOutcomesAsync(OutcomeReport report);

    /// <summary>
    /// While half-open, leases up to <paramref name="count"/> of the fleet-wide trial calls to the router
    /// <paramref name="routerId"/>; none when closed, open, or every slot is held.
    /// </summary>
    [Alias("AcquireTrialLeases")]
    ValueTask<TrialLeaseGrant> AcquireTrialLeasesAsync(string routerId, int count);

    /// <summary>The endpoint left every source: stop probing and deactivate.</summary>
    [Alias("Retire")]
    ValueTask RetireAsync();

    /// <summary>
    /// Applies an operator's eject, drain, pin or restore fleet-wide: records it in the history (who, when,
    /// why), persists it with the breaker, and pushes the change to the service grain at once.
    /// </summary>
    /// <returns>The instance after the action.</returns>
    /// <exception cref="ArgumentException">The reason or the operator's name is empty.</exception>
    [Alias("ApplyOperatorAction")]
    ValueTask<InstanceDetails> ApplyOperatorActionAsync(OperatorActionRequest request);

    /// <summary>Current status and recent transitions.</summary>
    [Alias("GetDetails"), ReadOnly]
    ValueTask<InstanceDetails> GetDetailsAsync();
}
