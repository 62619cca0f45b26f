using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Calls;

/// <summary>How one attempt to an instance ended, decided once by <see cref="AttemptClassifier"/>.</summary>
/// <param name="Kind">Success, failure, cancelled (the caller gave up) or backpressure.</param>
/// <param name="NeverReached">True when no byte of the request reached the instance (safe to resend any method).</param>
/// <param name="Failure">Short cause for logs, problem bodies and the instance's history; null on success.</param>
/// <param name="TimedOut">True when the attempt or the request's deadline cut it.</param>
/// <param name="RetryAfter">For backpressure: the time the instance asked for; null when it gave none.</param>
public readonly record struct AttemptVerdict(OutcomeKind Kind, bool NeverReached, string? Failure, bool TimedOut, TimeSpan? RetryAfter);
