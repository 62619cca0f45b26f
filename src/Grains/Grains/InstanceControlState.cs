using TradingAgents.Actors.Discovery;

namespace TradingAgents.Actors.Grains;

/// <summary>
/// What of an instance grain, besides its breaker, survives the loss of its silo: the operator's override
/// and the history of transitions (who or what, when, why). Stored next to the breaker state, in the
/// same grain storage (Redis with Redis clustering).
/// </summary>
[GenerateSerializer, Alias("ta.InstanceControlState")]
public sealed class InstanceControlState
{
    /// <summary>The operator's override in force; null when none.</summary>
    [Id(0)]
    public InstanceOverride? Override { get; set; }

    /// <summary>The most recent transitions, oldest first (at most the grain's history length).</summary>
    [Id(1)]
    public List<InstanceTransition> History { get; set; } = [];
}
