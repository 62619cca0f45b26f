using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Capacity;

/// <summary>What traffic one instance may take after the capacity guard, and why.</summary>
/// <param name="Availability">The final availability.</param>
/// <param name="Reason">Why it is not selectable, or, when <paramref name="Overridden"/>, why it is routable in spite of its breaker or health.</param>
/// <param name="Overridden">True when the ejection cap or panic routing keeps it routable although its breaker or health would take it out.</param>
internal readonly record struct CapacityDecision(InstanceAvailability Availability, string? Reason, bool Overridden);
