using TradingAgents.Actors.Discovery;

namespace TradingAgents.Actors.Capacity;

/// <summary>The capacity guard's verdict for one service at one instant (see <see cref="CapacityGuard"/>).</summary>
internal sealed class CapacityPlan(CapacityDecision[] decisions, PanicState panic, string? reason, int ready, int ejected, int limit, int capped)
{
    /// <summary>One decision per instance, in the order the instances were given.</summary>
    public CapacityDecision[] Decisions { get; } = decisions;

    public PanicState Panic { get; } = panic;

    /// <summary>Why the service is in panic, or what the ejection cap did; null when neither applies.</summary>
    public string? Reason { get; } = reason;

    /// <summary>Instances whose slice conditions make them usable: ready or draining (the base of both percentages).</summary>
    public int Ready { get; } = ready;

    /// <summary>Ready instances that breakers or health checks would take out.</summary>
    public int Ejected { get; } = ejected;

    /// <summary>How many <c>max_ejection_percent</c> allows to be taken out.</summary>
    public int Limit { get; } = limit;

    /// <summary>Instances the ejection cap keeps routable (0 in panic, where all are).</summary>
    public int Capped { get; } = capped;
}
