namespace TradingAgents.Actors.Discovery;

/// <summary>
/// What an instance grain pushes to its service grain whenever something a selection depends on
/// changes. Counters are cumulative for the grain's activation (<paramref name="Incarnation"/>), so a
/// lost or reordered push is corrected by the next one.
/// </summary>
/// <param name="InstanceId"><c>host:port</c>.</param>
/// <param name="Incarnation">Identifies the instance grain's activation; counters restart with it.</param>
/// <param name="Sequence">Increases with every push of this incarnation; older pushes are ignored.</param>
/// <param name="Circuit">Breaker state.</param>
/// <param name="Health">Active health-check state.</param>
/// <param name="TrialAvailable">In half-open state: whether a trial lease could be granted now.</param>
/// <param name="EwmaLatencyMs">Exponentially weighted moving average of call latency, in milliseconds.</param>
/// <param name="ConsecutiveFailures">Failures since the last success (calls and probes).</param>
/// <param name="CompletedCalls">Outcomes reported to this incarnation.</param>
/// <param name="LastChangeReason">Why the last breaker or health transition happened; null when none did.</param>
[GenerateSerializer, Immutable, Alias("ta.InstanceStatus")]
public sealed record InstanceStatus(
    [property: Id(0)] string InstanceId,
    [property: Id(1)] Guid Incarnation,
    [property: Id(2)] long Sequence,
    [property: Id(3)] CircuitState Circuit,
    [property: Id(4)] HealthState Health,
    [property: Id(5)] bool TrialAvailable,
    [property: Id(6)] double EwmaLatencyMs,
    [property: Id(7)] int ConsecutiveFailures,
    [property: Id(8)] long CompletedCalls,
    [property: Id(9)] string? LastChangeReason);
