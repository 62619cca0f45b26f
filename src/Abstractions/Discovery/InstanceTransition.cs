namespace TradingAgents.Actors.Discovery;

/// <summary>One recorded change of an instance's breaker or health state, with its cause.</summary>
[GenerateSerializer, Immutable, Alias("ta.InstanceTransition")]
public sealed record InstanceTransition(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string What,
    [property: Id(2)] string Reason);
