using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace TradingAgents.Actors.Discovery.Kubernetes;

/// <summary>
/// The watcher's metrics, on the product's one meter. Counter names carry no <c>_total</c>: the
/// Prometheus exporter adds it.
/// </summary>
public sealed class KubernetesWatcherInstruments
{
    /// <summary>Name of the product's one meter, shared with the grains' instruments.</summary>
    public const string MeterName = TradingAgents.Actors.Diagnostics.DiscoveryInstruments.MeterName;

    /// <summary>Watch restarts, tagged <c>reason</c>: closed, expired, too_large_version, version_went_back, watchdog, transport, http_status, list_timeout, unauthorized, error_event, malformed_line, error.</summary>
    public const string RestartsName = "endpoint_watcher_restarts";

    /// <summary>Full lists after the first one (each one follows an expiry).</summary>
    public const string RelistsName = "endpoint_watcher_relists";

    /// <summary>Lists that waited because they followed a list with no watch event in between (every version expired at once).</summary>
    public const string DelayedListsName = "endpoint_watcher_delayed_lists";

    /// <summary>Moves to a new list generation seen by this watcher (the API server's resourceVersions went back).</summary>
    public const string GenerationChangesName = "endpoint_watcher_generation_changes";

    /// <summary>Objects or watch lines skipped as broken, tagged <c>reason</c>.</summary>
    public const string RejectedObjectsName = "endpoint_watcher_rejected_objects";

    /// <summary>Unix time (seconds) of the last set confirmed with the API server, tagged <c>service</c>.</summary>
    public const string LastSyncName = "endpoint_watcher_last_sync_time";

    private readonly Counter<long> _restarts;
    private readonly Counter<long> _relists;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _delayedLists;
    private readonly Counter<long> _generationChanges;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastSync = new(StringComparer.Ordinal);

    /// <summary>Creates the instruments on the meter <see cref="MeterName"/> of <paramref name="meterFactory"/>.</summary>
    public KubernetesWatcherInstruments(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _restarts = meter.CreateCounter<long>(RestartsName, unit: "{restart}", description: "EndpointSlice watch restarts by reason.");
        _relists = meter.CreateCounter<long>(RelistsName, unit: "{list}", description: "Full EndpointSlice lists after the first.");
        _rejected = meter.CreateCounter<long>(RejectedObjectsName, unit: "{object}", description: "EndpointSlices or watch lines skipped as broken, by reason.");
        _delayedLists = meter.CreateCounter<long>(DelayedListsName, unit: "{list}", description: "EndpointSlice lists delayed because the previous list gave no working watch.");
        _generationChanges = meter.CreateCounter<long>(GenerationChangesName, unit: "{change}", description: "Moves to a new EndpointSlice list generation after resourceVersions went back.");
        meter.CreateObservableGauge(LastSyncName, ObserveLastSync, unit: "s", description: "Unix time of the last endpoint set confirmed with the Kubernetes API, per service.");
    }

    internal void Restarted(string reason) => _restarts.Add(1, new KeyValuePair<string, object?>("reason", reason));

    internal void Relisted() => _relists.Add(1);

    internal void Rejected(string reason) => _rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    internal void ListDelayed() => _delayedLists.Add(1);

    internal void GenerationChanged() => _generationChanges.Add(1);

    internal void Synced(string service, DateTimeOffset at) => _lastSync[service] = at;

    /// <summary>Drops the sync-time series of a service that is gone.</summary>
    internal void Forget(string service) => _lastSync.TryRemove(service, out _);

    /// <summary>Services with a sync-time series.</summary>
    internal int SyncedServices => _lastSync.Count;

    private IEnumerable<Measurement<double>> ObserveLastSync()
    {
        foreach (var (service, at) in _lastSync)
        {
            yield return new Measurement<double>(at.ToUnixTimeMilliseconds() / 1000.0, new KeyValuePair<string, object?>("service", service));
        }
    }
}
