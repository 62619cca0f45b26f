namespace TradingAgents.Actors.Configuration;

/// <summary>What the service discovery configuration in force is and how its last reload went.</summary>
/// <param name="File">The YAML file read, when there is one.</param>
/// <param name="LoadedAt">When the configuration in force was read: at start-up or by the last reload that changed it.</param>
/// <param name="LastReloadSucceeded">False while the latest reading is rejected; true before any reload.</param>
/// <param name="LastReloadAt">When the latest reload was read, successful or not; null before any.</param>
/// <param name="ReloadFailure">The latest reading's problem while it is rejected; null once a later reading is good.</param>
/// <param name="ReloadFailures">Rejected readings since start.</param>
public sealed record ConfigurationReloadState(
    string? File,
    DateTimeOffset? LoadedAt,
    bool LastReloadSucceeded,
    DateTimeOffset? LastReloadAt,
    ConfigurationReloadFailure? ReloadFailure,
    long ReloadFailures)
{
    /// <summary>Nothing read yet.</summary>
    public static ConfigurationReloadState Initial { get; } = new(null, null, true, null, null, 0);
}
