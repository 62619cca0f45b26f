namespace TradingAgents.Actors.Discovery;

/// <summary>One recorded change of an instance's breaker, health, backpressure or operator state, with its cause.</summary>
/// <param name="At">When it happened.</param>
/// <param name="What">What changed, e.g. <c>circuit Closed -> Open</c> or <c>operator eject</c>.</param>
/// <param name="Reason">Why.</param>
/// <param name="By">Who or what did it: <c>circuit breaker</c>, <c>health check</c>, <c>backpressure</c>,
/// <c>storage</c> (restored after a silo loss) or the operator's name.</param>
[GenerateSerializer, Immutable, Alias("ta.InstanceTransition")]
public sealed record InstanceTransition(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string What,
    [property: Id(2)] string Reason,
    [property: Id(60)] string? By = null);
