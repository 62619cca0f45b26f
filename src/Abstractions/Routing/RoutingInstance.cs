using TradingAgents.Actors.Discovery;

namespace TradingAgents.Actors.Routing;

/// <summary>One instance as a router needs it: where it is, whether it may take traffic and why, and the
/// fleet-wide statistics the score-based policies read.</summary>
/// <param name="InstanceId"><c>host:port</c>; with the service name, the key of the instance grain.</param>
/// <param name="Host">Address to connect to.</param>
/// <param name="Port">Port to connect to.</param>
/// <param name="Zone">Topology zone, when known.</param>
/// <param name="NodeName">Kubernetes node, when known.</param>
/// <param name="TargetName">Pod (or other target) name, when known.</param>
/// <param name="Weight">Relative weight, at least 1.</param>
/// <param name="Availability">Decided by the service grain.</param>
/// <param name="Reason">Why the instance is not <see cref="InstanceAvailability.Selectable"/>; when it is, null, or why it is routable in spite of its breaker or health (ejection cap, panic).</param>
/// <param name="Circuit">Fleet-wide breaker state.</param>
/// <param name="Health">Active health-check state.</param>
/// <param name="EwmaLatencyMs">Fleet EWMA of call latency in milliseconds; 0 when <paramref name="Measured"/> is false.</param>
/// <param name="ConsecutiveFailures">Failures since the last success or passing probe (the seed's <c>failure_count</c>).</param>
/// <param name="BreakerGeneration">Counts the breaker's transitions; an outcome counts toward the breaker only when
/// its call was admitted under the current generation.</param>
/// <param name="BackoffUntil">The instance asked for no traffic until then (429/503 with Retry-After); null when not.</param>
/// <param name="Measured">True once a call latency sample or a passing probe exists.</param>
[GenerateSerializer, Immutable, Alias("ta.RoutingInstance")]
public sealed record RoutingInstance(
    [property: Id(0)] string InstanceId,
    [property: Id(1)] string Host,
    [property: Id(2)] int Port,
    [property: Id(3)] string? Zone,
    [property: Id(4)] string? NodeName,
    [property: Id(5)] string? TargetName,
    [property: Id(6)] int Weight,
    [property: Id(7)] InstanceAvailability Availability,
    [property: Id(8)] string? Reason,
    [property: Id(9)] CircuitState Circuit,
    [property: Id(10)] HealthState Health,
    [property: Id(11)] double EwmaLatencyMs,
    [property: Id(12)] int ConsecutiveFailures,
    [property: Id(13)] long BreakerGeneration,
    [property: Id(14)] DateTimeOffset? BackoffUntil,
    [property: Id(15)] bool Measured)
{
    /// <summary>The instance's slow-start ramp while it lasts (routers scale its weight by it); null when none.</summary>
    [Id(16)]
    public SlowStartRamp? SlowStart { get; init; }
}
