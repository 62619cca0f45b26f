namespace TradingAgents.Actors.CircuitBreaking;

/// <summary>One outstanding trial lease of a half-open period.</summary>
/// <param name="Id">Unique, never reused by the breaker that granted it.</param>
/// <param name="Holder">The router it was granted to.</param>
/// <param name="Expiry">By then the call it admitted has provably ended (its caller cut it at its deadline).</param>
internal readonly record struct TrialLease(long Id, string Holder, DateTimeOffset Expiry);
