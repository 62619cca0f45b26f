namespace TradingAgents.Actors.Discovery;

/// <summary>
/// What an instance grain pushes to its service grain whenever something routing depends on changes.
/// A lost or reordered push is corrected by the next one (<paramref name="Sequence"/> orders them
/// within one <paramref name="Incarnation"/>).
/// </summary>
/// <param name="InstanceId"><c>host:port</c>.</param>
/// <param name="Incarnation">Identifies the instance grain's activation.</param>
/// <param name="Sequence">Increases with every push of this incarnation; older pushes are ignored.</param>
/// <param name="Circuit">Breaker state.</param>
/// <param name="Health">Active health-check state.</param>
/// <param name="TrialAvailable">In half-open state: whether a trial lease could be granted now.</param>
/// <param name="EwmaLatencyMs">Exponentially weighted moving average of call latency, in milliseconds (decays toward
/// the probe latency while the instance gets no calls); 0 until <paramref name="Measured"/>.</param>
/// <param name="ConsecutiveFailures">Failures since the last success or passing probe (the score's failure count).</param>
/// <param name="CompletedCalls">Outcomes reported to this incarnation.</param>
/// <param name="LastChangeReason">Why the last breaker or health transition happened; null when none did.</param>
/// <param name="BreakerGeneration">Counts breaker transitions (persisted with the breaker).</param>
/// <param name="BackoffUntil">No ordinary traffic until then (the instance answered 429/503 with Retry-After).</param>
/// <param name="Measured">True once a call latency sample or a passing probe exists.</param>
/// <param name="Override">The operator's override in force, if any.</param>
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
    [property: Id(9)] string? LastChangeReason,
    [property: Id(10)] long BreakerGeneration = 0,
    [property: Id(11)] DateTimeOffset? BackoffUntil = null,
    [property: Id(12)] bool Measured = false,
    [property: Id(60)] InstanceOverride? Override = null)
{
    /// <summary>When the instance grain started the instance's slow-start ramp (it appeared, or its circuit closed
    /// after being open); persisted with the breaker, so a gateway or silo that starts later does not restart it.</summary>
    [Id(40)]
    public DateTimeOffset? RampStartedAt { get; init; }

    /// <summary>Reporters (routers) that sent outcomes recently; what the breaker's <c>quorum</c> counts against.</summary>
    [Id(41)]
    public int ActiveReporters { get; init; }
}
