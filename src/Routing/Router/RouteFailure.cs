using TradingAgents.Actors.Discovery;

namespace TradingAgents.Actors.Routing;

/// <summary>Why a router admitted no call.</summary>
/// <param name="Status">Unknown service, no endpoints, or none selectable.</param>
/// <param name="Reason">A sentence for logs and problem bodies.</param>
/// <param name="AnyCircuitOpen">True when some instance's circuit is open, so a retry after the recovery timeout may succeed.</param>
public readonly record struct RouteFailure(SelectionStatus Status, string Reason, bool AnyCircuitOpen);
