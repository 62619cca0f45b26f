using TradingAgents.Actors.Discovery;

namespace TradingAgents.Actors.CircuitBreaking;

/// <summary>One change of a <see cref="CircuitBreaker"/>'s state and why it happened.</summary>
/// <param name="From">State before the change.</param>
/// <param name="To">State after the change.</param>
/// <param name="At">When the change took effect (for a recovery, the end of the open period).</param>
/// <param name="Reason">Human-readable cause, e.g. <c>5 consecutive failures; last: HTTP 503</c>.</param>
internal sealed record CircuitTransition(CircuitState From, CircuitState To, DateTimeOffset At, string Reason);
