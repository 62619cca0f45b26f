namespace TradingAgents.Actors.Routing;

/// <summary>
/// One run of a reporter's outcome stream: <paramref name="Count"/> consecutive outcomes of the same
/// kind admitted under the same breaker generation (successes are coalesced), or one outcome with details.
/// </summary>
/// <param name="Kind">How the calls ended.</param>
/// <param name="Count">Calls in this run, at least 1 (more than 1 only for coalesced successes).</param>
/// <param name="TotalLatency">Sum of the calls' latencies.</param>
/// <param name="Generation">Breaker generation (<see cref="RoutingInstance.BreakerGeneration"/>) the calls were admitted under.</param>
/// <param name="TrialLeaseId">The trial lease the call held; 0 for an ordinary call.</param>
/// <param name="Error">Short cause of a failure; null otherwise.</param>
/// <param name="RetryAfter">For <see cref="OutcomeKind.Backpressure"/>: the time the instance asked for.</param>
[GenerateSerializer, Immutable, Alias("ta.OutcomeEntry")]
public sealed record OutcomeEntry(
    [property: Id(0)] OutcomeKind Kind,
    [property: Id(1)] int Count,
    [property: Id(2)] TimeSpan TotalLatency,
    [property: Id(3)] long Generation,
    [property: Id(4)] long TrialLeaseId = 0,
    [property: Id(5)] string? Error = null,
    [property: Id(6)] TimeSpan? RetryAfter = null);
