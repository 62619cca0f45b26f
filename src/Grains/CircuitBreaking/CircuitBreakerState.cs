using TradingAgents.Actors.Discovery;

namespace TradingAgents.Actors.CircuitBreaking;

/// <summary>
/// What of a <see cref="CircuitBreaker"/> survives its instance grain: state, generation, end of the
/// open period and the last transition. Reporter runs and trial leases are not kept: a new activation
/// starts them afresh (a restored half-open period gets a new generation, so leases of the lost
/// activation count for nothing).
/// </summary>
[GenerateSerializer, Alias("ta.CircuitBreakerState")]
public sealed class CircuitBreakerState
{
    /// <summary>Breaker state when saved.</summary>
    [Id(0)]
    public CircuitState State { get; set; }

    /// <summary>Breaker generation when saved.</summary>
    [Id(1)]
    public long Generation { get; set; }

    /// <summary>End of the open period (meaningful while <see cref="State"/> is open).</summary>
    [Id(2)]
    public DateTimeOffset OpenUntil { get; set; }

    /// <summary>State before the last transition; null when there was none.</summary>
    [Id(3)]
    public CircuitState? LastFrom { get; set; }

    /// <summary>When the last transition took effect.</summary>
    [Id(4)]
    public DateTimeOffset LastAt { get; set; }

    /// <summary>Why the last transition happened.</summary>
    [Id(5)]
    public string? LastReason { get; set; }

    /// <summary>When the instance's slow-start ramp started; null when none was recorded.</summary>
    [Id(40)]
    public DateTimeOffset? RampStartedAt { get; set; }
}
