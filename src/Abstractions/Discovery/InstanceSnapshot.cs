namespace TradingAgents.Actors.Discovery;

/// <summary>One instance as its service grain sees it, for APIs and dashboards.</summary>
[GenerateSerializer, Immutable, Alias("ta.InstanceSnapshot")]
public sealed record InstanceSnapshot(
    [property: Id(0)] string InstanceId,
    [property: Id(1)] string Host,
    [property: Id(2)] int Port,
    [property: Id(3)] string? Zone,
    [property: Id(4)] string? NodeName,
    [property: Id(5)] string? TargetName,
    [property: Id(6)] int Weight,
    [property: Id(7)] EndpointConditions Conditions,
    [property: Id(8)] HealthState Health,
    [property: Id(9)] CircuitState Circuit,
    [property: Id(10)] int InFlight,
    [property: Id(11)] double EwmaLatencyMs,
    [property: Id(12)] int ConsecutiveFailures,
    [property: Id(13)] long SelectionsServed,
    [property: Id(14)] bool Selectable,
    [property: Id(15)] string? NotSelectableReason,
    [property: Id(16)] string? LastChangeReason,
    [property: Id(17)] IReadOnlyList<string> Sources,
    [property: Id(60)] InstanceOverride? Override = null)
{
    /// <summary>True when the ejection cap or panic routing keeps the instance routable in spite of its breaker or health.</summary>
    [Id(40)]
    public bool EjectionOverridden { get; init; }

    /// <summary>The slow-start weight factor in percent while the instance ramps up; null when it does not.</summary>
    [Id(41)]
    public double? SlowStartPercent { get; init; }

    /// <summary>Reporters (routers) that sent outcomes for the instance in the last minute: what <c>circuit_breaker.quorum</c> counts against.</summary>
    [Id(42)]
    public int ActiveReporters { get; init; }
}
