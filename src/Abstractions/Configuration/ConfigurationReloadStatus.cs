namespace TradingAgents.Actors.Configuration;

/// <summary>
/// The state of the <c>service_discovery</c> configuration as a process sees it: when the configuration
/// in force was read and whether the latest reload was rejected. Read by the discovery API, the status
/// page and the <c>config_*</c> metrics; written by the options setup, once per reading of the configuration.
/// </summary>
public sealed class ConfigurationReloadStatus
{
    private ConfigurationReloadState _current = ConfigurationReloadState.Initial;

    /// <summary>The latest state; an immutable snapshot.</summary>
    public ConfigurationReloadState Current => Volatile.Read(ref _current);

    internal void Loaded(string? file, DateTimeOffset at, bool reload) =>
        Volatile.Write(ref _current, Current with
        {
            File = file,
            LoadedAt = at,
            LastReloadSucceeded = true,
            LastReloadAt = reload ? at : Current.LastReloadAt,
            ReloadFailure = null,
        });

    internal void Unchanged(DateTimeOffset at) =>
        Volatile.Write(ref _current, Current with { LastReloadSucceeded = true, LastReloadAt = at, ReloadFailure = null });

    internal void Rejected(ConfigurationReloadFailure failure) =>
        Volatile.Write(ref _current, Current with
        {
            LastReloadSucceeded = false,
            LastReloadAt = failure.At,
            ReloadFailure = failure,
            ReloadFailures = Current.ReloadFailures + 1,
        });
}
