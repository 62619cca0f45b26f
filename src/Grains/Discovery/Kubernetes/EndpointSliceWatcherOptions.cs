namespace TradingAgents.Actors.Discovery.Kubernetes;

/// <summary>
/// Timing of the EndpointSlice watcher. Not part of the seed's configuration: the defaults suit a real
/// API server, and tests shorten them. The server-side watch timeout is
/// <see cref="TradingAgents.Actors.Configuration.KubernetesDiscoveryOptions.WatchTimeout"/>.
/// </summary>
public sealed class EndpointSliceWatcherOptions
{
    /// <summary>
    /// How long past the server-side watch timeout a watch may stay silent before the watchdog cancels
    /// it. The server ends every watch at its timeout and sends bookmarks, so silence beyond that is a
    /// hung connection. Default 30 s.
    /// </summary>
    public TimeSpan WatchdogMargin { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// First reconnect delay after a failure (jittered, doubled per further failure), and first delay of
    /// a list that follows a list without a watch event in between. Default 1 s.
    /// </summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Cap of the reconnect delay and of the delay between lists. Default 30 s.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Delay before a set whose delivery to the grains failed is delivered again. Default 1 s.</summary>
    public TimeSpan PublishRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Least time between two sync-time refreshes of one unchanged service: bookmarks and events
    /// confirm every service, but re-sending each set on each of them would be chatty. Default 5 s.
    /// </summary>
    public TimeSpan SyncRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Watches in a row that fail (other than 410) before the watcher lists instead of resuming from the
    /// held version: a server that keeps rejecting a version (a real one answers "too large resource
    /// version" with 504) would otherwise be asked for it forever. Default 3.
    /// </summary>
    public int RelistAfterWatchFailures { get; set; } = 3;

    /// <summary>Page size of list calls. Default 500.</summary>
    public int ListPageSize { get; set; } = 500;

    /// <summary>Source of jitter for the backoff, uniform in [0, 1); replace it with a seeded one in tests.</summary>
    public Func<double> Randomizer { get; set; } = Random.Shared.NextDouble;
}
