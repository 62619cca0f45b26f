namespace TradingAgents.Actors.Discovery;

/// <summary>
/// Successful ordinary calls to one instance, reported together. A gateway batches these because
/// they only feed statistics; failures and half-open trial outcomes are reported one by one, at once.
/// </summary>
/// <param name="Count">Calls in the batch, at least 1.</param>
/// <param name="TotalLatency">Sum of their latencies.</param>
[GenerateSerializer, Immutable, Alias("ta.SuccessBatch")]
public sealed record SuccessBatch(
    [property: Id(0)] int Count,
    [property: Id(1)] TimeSpan TotalLatency);
