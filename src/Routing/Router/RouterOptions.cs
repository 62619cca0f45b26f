namespace TradingAgents.Actors.Routing;

/// <summary>Timing of the per-process routers (configuration section <c>Routing</c>).</summary>
public sealed class RouterOptions
{
    /// <summary>The configuration section bound to these options.</summary>
    public const string SectionName = "Routing";

    /// <summary>
    /// How often a router refreshes its subscription and compares its snapshot version with the service
    /// grain's, so a missed push or a grain re-activated on another silo is noticed. Default 2 s.
    /// </summary>
    public TimeSpan VersionCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long plain successes are collected before they are sent to the instance grain. Failures,
    /// trial outcomes and backpressure are sent at once, with the successes before them. Default 50 ms.
    /// </summary>
    public TimeSpan OutcomeFlushInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long a request waits for the first snapshot of a service no router has warmed. Default 5 s.</summary>
    public TimeSpan FirstSnapshotTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Trial leases a router asks for at once when it sees an instance half-open. Default 1.</summary>
    public int TrialLeasesPerRequest { get; set; } = 1;

    /// <summary>Outcome entries kept per instance while the control plane is unreachable; older ones are dropped and counted. Default 256.</summary>
    public int MaxPendingOutcomes { get; set; } = 256;

    /// <summary>
    /// How often a router reports its requests and retries to the service grain and gets a new allowance
    /// of retries (the fleet-wide retry budget). Its grant stays valid for three intervals. Default 1 s.
    /// </summary>
    public TimeSpan RetryBudgetInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The zone this process runs in, for zone affinity (<c>zone_affinity</c>). Default: the environment
    /// variable <c>NODE_ZONE</c>, else learned from the EndpointSlices (the zone of any instance on this
    /// process's node); null when none of these says.
    /// </summary>
    public string? Zone { get; set; }

    /// <summary>
    /// The node this process runs on, for node affinity. Default: the environment variable
    /// <c>NODE_NAME</c> (the Kubernetes manifests set it from <c>spec.nodeName</c>).
    /// </summary>
    public string? Node { get; set; }
}
