namespace TradingAgents.Actors.Silo.Api;

/// <summary>One of this gateway's routers in <c>GET /api/discovery/routers</c>: what it routes from and how old that is.</summary>
/// <param name="Service">Logical service name.</param>
/// <param name="Epoch">The service grain activation whose snapshot is held (changes when the grain re-activates).</param>
/// <param name="Version">Snapshot version within the epoch; -1 before the first snapshot.</param>
/// <param name="SnapshotAgeSeconds">Seconds since the control plane last confirmed the snapshot; null before the first.</param>
/// <param name="ControlPlaneError">The last error reaching the service grain; null while it answers.</param>
/// <param name="InFlight">This gateway's calls in flight per instance.</param>
/// <param name="Picks">Calls this gateway admitted per instance since the instance appeared (a counter: diff two readings for a recent share).</param>
/// <param name="RecentPicks">Calls this gateway admitted per instance in the last <paramref name="RecentWindowSeconds"/> (the status page's share of traffic).</param>
/// <param name="RecentWindowSeconds">The window of <paramref name="RecentPicks"/>: 30 s (the counters are read every 5 s, so up to 35 s).</param>
/// <param name="RetryBudget">This gateway's side of the service's fleet-wide retry budget.</param>
/// <param name="Locality">This gateway's zone and node affinity for the service, with its traffic per zone.</param>
/// <param name="Algorithm">The load-balancing policy the router picks with (the snapshot's); null before the first snapshot.</param>
public sealed record RouterSummary(
    string Service,
    Guid Epoch,
    long Version,
    double? SnapshotAgeSeconds,
    string? ControlPlaneError,
    IReadOnlyDictionary<string, int> InFlight,
    IReadOnlyDictionary<string, long> Picks,
    IReadOnlyDictionary<string, long>? RecentPicks = null,
    double? RecentWindowSeconds = null,
    RouterRetryBudgetSummary? RetryBudget = null,
    RouterLocalitySummary? Locality = null,
    string? Algorithm = null);
