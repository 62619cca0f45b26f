namespace TradingAgents.Actors.Discovery;

/// <summary>A service grain's whole state at one instant, for APIs and dashboards.</summary>
/// <param name="Service">Logical service name.</param>
/// <param name="Known">False when the name is neither configured nor discovered.</param>
/// <param name="Algorithm">Load-balancing policy in use (snake_case, as in configuration).</param>
/// <param name="TakenAt">When the snapshot was taken.</param>
/// <param name="Sources">Per source: version held and sync age.</param>
/// <param name="Instances">Every endpoint of every source, de-duplicated by instance id.</param>
/// <param name="SelectionsServed">Selections answered with an endpoint since activation.</param>
[GenerateSerializer, Immutable, Alias("ta.ServiceSnapshot")]
public sealed record ServiceSnapshot(
    [property: Id(0)] string Service,
    [property: Id(1)] bool Known,
    [property: Id(2)] string Algorithm,
    [property: Id(3)] DateTimeOffset TakenAt,
    [property: Id(4)] IReadOnlyList<SourceSync> Sources,
    [property: Id(5)] IReadOnlyList<InstanceSnapshot> Instances,
    [property: Id(6)] long SelectionsServed)
{
    /// <summary>The fleet's retry budget over its window; null before any router reported.</summary>
    [Id(50)]
    public ServiceRetryBudget? RetryBudget { get; init; }

    /// <summary>Panic state (see <see cref="PanicState"/>).</summary>
    [Id(40)]
    public PanicState Panic { get; init; }

    /// <summary>Why the service is in panic, or that the ejection cap kept instances routable; null otherwise.</summary>
    [Id(41)]
    public string? PanicReason { get; init; }

    /// <summary>Ready instances that breakers or health checks would take out now.</summary>
    [Id(42)]
    public int EjectedInstances { get; init; }

    /// <summary>The most instances <c>max_ejection_percent</c> lets breakers and health checks take out now.</summary>
    [Id(43)]
    public int EjectionLimit { get; init; }

    /// <summary>Instances kept routable by the ejection cap in spite of their breaker or health.</summary>
    [Id(44)]
    public int CappedInstances { get; init; }

    /// <summary><c>circuit_breaker.quorum</c> in force.</summary>
    [Id(45)]
    public int BreakerQuorum { get; init; } = 1;
}
