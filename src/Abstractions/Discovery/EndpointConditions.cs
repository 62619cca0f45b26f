namespace TradingAgents.Actors.Discovery;

/// <summary>
/// The conditions a source reports for one endpoint, with EndpointSlice semantics:
/// <see cref="Ready"/> endpoints take traffic; <see cref="Serving"/> and <see cref="Terminating"/>
/// together mark a draining pod that may still answer and is used only when nothing else is left.
/// </summary>
[GenerateSerializer, Immutable, Alias("ta.EndpointConditions")]
public readonly record struct EndpointConditions(
    [property: Id(0)] bool Ready,
    [property: Id(1)] bool Serving,
    [property: Id(2)] bool Terminating)
{
    /// <summary>Conditions of an endpoint that takes traffic normally.</summary>
    public static EndpointConditions ReadyToServe { get; } = new(Ready: true, Serving: true, Terminating: false);

    /// <summary>Conditions of a pod that is shutting down but still answers.</summary>
    public static EndpointConditions Draining { get; } = new(Ready: false, Serving: true, Terminating: true);

    /// <summary>True when the endpoint may take traffic as a last resort only.</summary>
    public bool IsDrainingOnly => !Ready && Serving && Terminating;

    /// <summary>True when the endpoint may take traffic at all.</summary>
    public bool IsUsable => Ready || IsDrainingOnly;

    /// <inheritdoc />
    public override string ToString() => $"ready={Ready} serving={Serving} terminating={Terminating}";
}
