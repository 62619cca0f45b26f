namespace TradingAgents.Actors.Configuration;

/// <summary>The <c>circuit_breaker:</c> section.</summary>
public sealed class CircuitBreakerOptions
{
    /// <summary><c>failure_threshold</c>: consecutive failed calls that open the circuit. Default 5.</summary>
    public int FailureThreshold { get; set; } = 5;

    /// <summary><c>recovery_timeout</c> (seconds) the circuit stays open before trial calls. Default 30 s.</summary>
    public TimeSpan RecoveryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary><c>half_open_max_calls</c>: trial calls leased at once, fleet-wide, while half-open. Default 3.</summary>
    public int HalfOpenMaxCalls { get; set; } = 3;

    /// <summary>
    /// <c>max_retry_after</c> (seconds): the longest an instance that answered 429, or 503 with
    /// <c>Retry-After</c>, is kept from ordinary traffic, whatever it asked for; also the pause when it
    /// gave no usable time. Default 60 s.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// <c>quorum</c>: when at least this many reporters (routers in gateways and clients) use an instance, its
    /// circuit opens only when at least this many of them see a current run of failures, so one sick gateway
    /// cannot eject a healthy instance for the whole fleet. 1 (the default) opens on any one reporter's run.
    /// </summary>
    public int Quorum { get; set; } = 1;
}
