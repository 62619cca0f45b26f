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
}
