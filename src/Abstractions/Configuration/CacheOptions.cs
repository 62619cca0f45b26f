namespace TradingAgents.Actors.Configuration;

/// <summary>The <c>cache:</c> section (the seed's client cache; here it bounds near caches of snapshots).</summary>
public sealed class CacheOptions
{
    /// <summary><c>enabled</c>. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary><c>ttl</c> (seconds). Default 30 s.</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary><c>max_size</c>: services held at most. Default 1000.</summary>
    public int MaxSize { get; set; } = 1000;

    /// <summary><c>cleanup_interval</c> (seconds). Default 300 s.</summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromSeconds(300);
}
