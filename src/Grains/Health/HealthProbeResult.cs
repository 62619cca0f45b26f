namespace TradingAgents.Actors.Health;

/// <summary>The result of one health probe.</summary>
/// <param name="Success">True for a 2xx answer within the timeout.</param>
/// <param name="Latency">Time until the answer or the failure.</param>
/// <param name="Detail">What was seen: <c>HTTP 200</c>, <c>HTTP 503</c>, <c>timeout after 5 s</c>, <c>connection refused</c>.</param>
internal readonly record struct HealthProbeResult(bool Success, TimeSpan Latency, string Detail);
