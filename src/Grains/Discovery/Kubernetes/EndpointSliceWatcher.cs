using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using TradingAgents.Actors.Configuration;

namespace TradingAgents.Actors.Discovery.Kubernetes;

/// <summary>
/// Lists and watches the EndpointSlices of the configured namespace and publishes each service's whole
/// endpoint set, source <c>kubernetes</c>, to <see cref="IEndpointSetPublisher"/> (the silo's
/// <see cref="EndpointCatalog"/>).
/// </summary>
/// <remarks>
/// <para>
/// Every silo runs its own watcher; there is no leader. The version of a service's set is the highest
/// EndpointSlice <c>resourceVersion</c> among the events that touched its slices (a DELETED event carries
/// the deletion's version), or the list's <c>resourceVersion</c> after a list. resourceVersions are one
/// total order per resource in etcd, so every silo derives the same version for the same state: a
/// duplicate or late delivery from a slower silo is not newer than what the grain holds and cannot bring
/// back a removed endpoint. When a silo dies nothing has to fail over, because the others watch too, and
/// a service grain re-activating anywhere hydrates from that silo's catalog. The price is one watch
/// connection per silo on the API server, which is small for a handful of gateways.
/// </para>
/// <para>
/// That order holds only within one history of the API server: after an etcd restore or a rebuilt
/// cluster, versions start again lower. Each set therefore also carries a list generation, which orders
/// before the version. A watcher that sees a version below one it saw before (a list, or an event) knows
/// the history changed; it lists, and the fleet agrees on a higher generation for that list
/// (<see cref="ListGenerationRule"/>), so the list replaces what the grains hold whatever its numbers,
/// while a silo that has not noticed yet still sends the old generation and is ignored.
/// </para>
/// <para>
/// Recovery: a stream the server ends (its timeout, or an empty stream) is resumed from the last
/// resourceVersion without a list; 410 Expired, as an ERROR event in a 200 stream or as an HTTP 410,
/// and "too large resource version" lead to a new list; when the version of the previous list was
/// rejected that way before a single watch event, the list waits a jittered, capped, doubling delay
/// first, so that a server that expires every version at once is not listed in a loop; transport errors, HTTP errors and ERROR
/// events reconnect after a jittered, capped exponential backoff, and after
/// <see cref="EndpointSliceWatcherOptions.RelistAfterWatchFailures"/> of them in a row the watcher
/// lists instead of resuming; a list page that does not answer within <c>list_timeout</c> is abandoned;
/// a watch silent for longer than the server-side timeout plus
/// <see cref="EndpointSliceWatcherOptions.WatchdogMargin"/> is cancelled by a watchdog. Errors never
/// publish an empty set: the grains keep the last sets, and only their sync time stops moving.
/// </para>
/// <para>
/// A service whose last slice is gone and that is not configured is published empty once and then
/// forgotten (nothing about it is held or re-sent), so churn does not grow the watcher or keep grains alive.
/// </para>
/// </remarks>
public sealed partial class EndpointSliceWatcher(
    IKubernetes client,
    IEndpointSetPublisher publisher,
    IListGenerationAgreement generations,
    IOptionsMonitor<ServiceDiscoveryOptions> discoveryOptions,
    IOptions<EndpointSliceWatcherOptions> watcherOptions,
    KubernetesWatcherInstruments instruments,
    TimeProvider timeProvider,
    ILogger<EndpointSliceWatcher> logger) : BackgroundService
{
    /// <summary>The source name of the sets this watcher publishes.</summary>
    public const string SourceName = "kubernetes";

    private readonly EndpointSliceWatcherOptions _timing = watcherOptions.Value;
    private readonly EndpointSliceStore _store = new();

    // Watch-loop state: touched only by the loop, one session at a time.
    private readonly Dictionary<string, long> _versions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EndpointSetUpdate> _held = new(StringComparer.Ordinal);
    private string? _resumeVersion;
    private bool _needsList = true;
    private bool _listedOnce;
    private bool _progress;
    private bool _delayNextSession;
    private int _failures;
    private int _watchFailures;
    private bool _listedSinceEvent;
    private int _rejectedRightAfterList;
    private bool _watching;
    private long _generation;
    private long? _highestSeen;
    private readonly HashSet<string> _portWarned = new(StringComparer.Ordinal);
    private DateTimeOffset? _lastSyncedAt;

    // Delivery: the newest set per service waits in the outbox; a single pump delivers, coalescing bursts.
    private readonly ConcurrentDictionary<string, Outgoing> _outbox = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _queued = new(StringComparer.Ordinal);
    private readonly Channel<string> _dirty = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    private ServiceDiscoveryOptions Options => discoveryOptions.CurrentValue;

    /// <summary>How many services the watcher holds something about (sets, versions, queued deliveries), for tests of churn; read it only while the watcher is quiet.</summary>
    internal int RetainedServices => _held.Keys.Union(_versions.Keys).Union(_outbox.Keys).Union(_portWarned).Count();

    private TimeSpan WatchTimeout => Options.Kubernetes.WatchTimeout;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pump = Task.Run(() => PumpAsync(stoppingToken), CancellationToken.None);
        try
        {
            var retry = BuildRetryPipeline(stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                await retry.ExecuteAsync(RunSessionAsync, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: the watch request was cancelled with the token, which closes the connection.
        }
        finally
        {
            _dirty.Writer.TryComplete();
            await pump.ConfigureAwait(false);
        }
    }

    private ResiliencePipeline BuildRetryPipeline(CancellationToken stoppingToken) =>
        new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => !(e is OperationCanceledException && stoppingToken.IsCancellationRequested)),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _timing.InitialBackoff,
                MaxDelay = _timing.MaxBackoff,
                Randomizer = _timing.Randomizer,
                OnRetry = args =>
                {
                    Log.Reconnecting(logger, args.RetryDelay, args.AttemptNumber + 1);
                    return default;
                },
            })
            .Build();

    /// <summary>
    /// One list (when needed) and one watch. Returns when the session ended in a way that is resumed at
    /// once; throws when the next session must wait for the backoff.
    /// </summary>
    private async ValueTask RunSessionAsync(CancellationToken cancellationToken)
    {
        if (_delayNextSession)
        {
            // The previous session made progress, then failed: start a fresh backoff from its first step.
            _delayNextSession = false;
            throw new ReconnectDelayException();
        }

        _progress = false;
        try
        {
            if (_needsList)
            {
                await DelayRepeatedListAsync(cancellationToken).ConfigureAwait(false);
                await ListAsync(cancellationToken).ConfigureAwait(false);
            }

            _watching = true;
            await WatchAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.Gone)
        {
            OnExpired();
        }
        catch (Exception e) when (_watching && IsVersionTooLarge(e))
        {
            OnVersionAhead(e);
        }
        catch (VersionsWentBackException e)
        {
            instruments.Restarted("version_went_back");
            Log.VersionsWentBack(logger, e.Version, e.Highest);
            _needsList = true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            OnFailure(e);
            if (!_progress)
            {
                throw;
            }

            _delayNextSession = true;
        }
        finally
        {
            _watching = false;
        }
    }

    /// <summary>
    /// A list's version rejected (expired, too large) before a single watch event means the server
    /// rejects every version it hands out: wait a jittered delay that doubles up to
    /// <see cref="EndpointSliceWatcherOptions.MaxBackoff"/> before listing again. A list after a watch
    /// that delivered events is never delayed.
    /// </summary>
    private async Task DelayRepeatedListAsync(CancellationToken cancellationToken)
    {
        if (_rejectedRightAfterList == 0)
        {
            return;
        }

        var exponent = Math.Min(_rejectedRightAfterList - 1, 30);
        var ceiling = Math.Min(_timing.InitialBackoff.TotalMilliseconds * Math.Pow(2, exponent), _timing.MaxBackoff.TotalMilliseconds);

        // Half to full of the ceiling: never zero, so a loop can never spin, and spread across silos.
        var delay = TimeSpan.FromMilliseconds(ceiling * (0.5 + (0.5 * _timing.Randomizer())));
        instruments.ListDelayed();
        Log.RelistDelayed(logger, _rejectedRightAfterList, delay);
        await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(false);
    }

    private async Task ListAsync(CancellationToken cancellationToken)
    {
        var @namespace = Options.Namespace;
        Log.Listing(logger, @namespace);
        var items = new List<V1EndpointSlice>();
        string? listVersion = null;
        string? continueToken = null;
        var listTimeout = Options.Kubernetes.ListTimeout;
        do
        {
            // KubernetesClient waits 100 s for a list (the HTTP client's default); bound each page ourselves.
            using var timeout = new CancellationTokenSource(listTimeout, timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            V1EndpointSliceList page;
            try
            {
                page = await client.DiscoveryV1.ListNamespacedEndpointSliceAsync(
                    @namespace,
                    continueParameter: continueToken,
                    limit: _timing.ListPageSize,
                    cancellationToken: linked.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new ListTimeoutException(listTimeout, e);
            }

            // Later pages belong to the first page's snapshot; its resourceVersion is the list's.
            listVersion ??= page.Metadata?.ResourceVersion;
            items.AddRange(page.Items ?? []);
            continueToken = page.Metadata?.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(continueToken));

        if (!EndpointSliceMapper.TryParseVersion(listVersion, out var version))
        {
            throw new InvalidDataException($"The EndpointSlice list has resourceVersion '{listVersion}', which is not a non-negative integer.");
        }

        // Lists are consistent reads: a lower version than this watcher saw before proves that the API
        // server's history changed (etcd restore, rebuilt cluster), and the fleet moves to a new generation.
        var wentBack = _highestSeen is { } seen && version < seen;
        var generation = await generations.AgreeAsync(@namespace, _generation, wentBack, cancellationToken).ConfigureAwait(false);
        if (generation != _generation)
        {
            Log.GenerationChanged(logger, _generation, generation, _highestSeen, version);
            instruments.GenerationChanged();
            _generation = generation;
            _highestSeen = version;
            _versions.Clear();
        }
        else
        {
            _highestSeen = Math.Max(_highestSeen ?? 0, version);
        }

        var valid = new List<V1EndpointSlice>(items.Count);
        foreach (var item in items)
        {
            if (Reject(item) is null)
            {
                item.Metadata.NamespaceProperty ??= @namespace;
                valid.Add(item);
                CountPortMismatch(item);
            }
        }

        var affected = new HashSet<string>(_store.ReplaceAll(valid), StringComparer.Ordinal);
        foreach (var (logical, service) in Options.Services)
        {
            affected.Add(service.ServiceName ?? logical);
        }

        foreach (var service in affected)
        {
            _versions[service] = version;
        }

        var now = timeProvider.GetUtcNow();
        var published = Produce(affected, now);
        _resumeVersion = listVersion;
        _needsList = false;
        _watchFailures = 0;
        _listedSinceEvent = true;
        MarkProgress(now);
        if (_listedOnce)
        {
            instruments.Relisted();
        }

        _listedOnce = true;
        Log.Listed(logger, valid.Count, @namespace, listVersion!, published);
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        var @namespace = Options.Namespace;
        var silenceLimit = WatchTimeout + _timing.WatchdogMargin;
        var expired = false;
        Exception? tooLarge = null;
        Exception? errorEvent = null;
        var events = 0;
        var watchdogFired = 0;

        using var watchCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var watchdog = timeProvider.CreateTimer(
            _ =>
            {
                Interlocked.Exchange(ref watchdogFired, 1);
                try
                {
                    watchCancellation.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // The watch ended while the watchdog fired.
                }
            },
            state: null,
            silenceLimit,
            Timeout.InfiniteTimeSpan);

        void OnWatchError(Exception error)
        {
            switch (error)
            {
                case KubernetesException { Status.Code: 410 } or KubernetesException { Status.Reason: "Expired" or "Gone" }:
                    expired = true;
                    break;
                case KubernetesException when IsVersionTooLarge(error):
                    tooLarge = error;
                    break;
                case JsonException:
                    instruments.Rejected("malformed_line");
                    Log.MalformedLine(logger, error.Message);
                    break;
                default:
                    errorEvent = error;
                    Log.ErrorEvent(logger, error.Message);
                    break;
            }
        }

        Log.Watching(logger, @namespace, _resumeVersion);
        try
        {
            var stream = client.DiscoveryV1.WatchListNamespacedEndpointSliceAsync(
                @namespace,
                allowWatchBookmarks: true,
                resourceVersion: _resumeVersion,
                timeoutSeconds: (int)Math.Ceiling(WatchTimeout.TotalSeconds),
                onError: OnWatchError,
                cancellationToken: watchCancellation.Token);

            await foreach (var (type, slice) in stream.ConfigureAwait(false))
            {
                watchdog.Change(silenceLimit, Timeout.InfiniteTimeSpan);
                events++;
                OnEvent(type, slice);
            }
        }
        catch (Exception) when (Volatile.Read(ref watchdogFired) == 1 && !cancellationToken.IsCancellationRequested)
        {
            instruments.Restarted("watchdog");
            Log.WatchdogFired(logger, silenceLimit, _resumeVersion);
            return;
        }
        catch (HttpRequestException e) when (IsEmptyStream(e))
        {
            // A watch that had nothing to say until its timeout ends before its first line.
        }
        catch (JsonException e) when (_progress)
        {
            // KubernetesClient ends the stream on a line that is not JSON; the line is lost, but nothing
            // after the last good event is, so resume from there at once. Without progress, back off.
            instruments.Rejected("malformed_line");
            instruments.Restarted("malformed_line");
            Log.MalformedLine(logger, e.Message);
            return;
        }

        if (expired)
        {
            OnExpired();
        }
        else if (tooLarge is not null)
        {
            OnVersionAhead(tooLarge);
        }
        else if (errorEvent is not null)
        {
            throw new WatchErrorEventException(errorEvent);
        }
        else
        {
            instruments.Restarted("closed");
            Log.WatchClosed(logger, events, _resumeVersion);
        }
    }

    private void OnEvent(WatchEventType type, V1EndpointSlice? slice)
    {
        var resourceVersion = slice?.Metadata?.ResourceVersion;
        Log.SliceEvent(logger, type.ToString(), slice?.Metadata?.Name, resourceVersion);
        if (!EndpointSliceMapper.TryParseVersion(resourceVersion, out var version))
        {
            // Without a version the change can neither be ordered nor resumed from.
            CountRejection(new SliceRejection("invalid_resource_version", $"{type} event for '{slice?.Metadata?.Name}' has resourceVersion '{resourceVersion}'"));
            return;
        }

        if (_highestSeen is { } highest && version < highest)
        {
            // Within one history every event is newer than everything before it.
            throw new VersionsWentBackException(version, highest);
        }

        _highestSeen = version;
        _resumeVersion = resourceVersion;
        _watchFailures = 0;
        _listedSinceEvent = false;
        _rejectedRightAfterList = 0;
        var now = timeProvider.GetUtcNow();
        MarkProgress(now);

        IReadOnlyCollection<string> affected = [];
        var name = slice!.Metadata.Name;
        switch (type)
        {
            case WatchEventType.Added or WatchEventType.Modified when Reject(slice) is null:
                slice.Metadata.NamespaceProperty ??= Options.Namespace;
                CountPortMismatch(slice);
                affected = _store.Upsert(slice);
                break;
            case WatchEventType.Added or WatchEventType.Modified or WatchEventType.Deleted when !string.IsNullOrEmpty(name):
                // A deleted slice, or one that became unreadable: the API no longer vouches for its old content.
                affected = _store.Remove(slice.Metadata.NamespaceProperty ?? Options.Namespace, name) is { } service ? [service] : [];
                break;
        }

        foreach (var service in affected)
        {
            _versions[service] = Math.Max(version, _versions.GetValueOrDefault(service));
        }

        Produce(affected, now);
        RefreshSyncTimes(now);
    }

    private void OnExpired()
    {
        instruments.Restarted("expired");
        Log.Expired(logger, _resumeVersion);
        OnVersionRejected();
    }

    /// <summary>The server has not reached the version the watch asked for: its history is shorter than ours, so list.</summary>
    private void OnVersionAhead(Exception error)
    {
        instruments.Restarted("too_large_version");
        Log.VersionAhead(logger, _resumeVersion, error.Message);
        OnVersionRejected();
    }

    private void OnVersionRejected()
    {
        _needsList = true;
        if (_listedSinceEvent)
        {
            _rejectedRightAfterList++;
        }
    }

    private void OnFailure(Exception error)
    {
        var reason = Classify(error);
        instruments.Restarted(reason);
        var age = _lastSyncedAt is { } at ? timeProvider.GetUtcNow() - at : (TimeSpan?)null;
        if (reason == "unauthorized" && _failures == 0)
        {
            Log.CredentialsRejected(logger, (int)((HttpOperationException)error).Response.StatusCode, Options.Namespace);
        }
        else
        {
            Log.WatchFailed(logger, reason, error.Message, age);
        }

        _failures++;
        if (_watching && !_needsList && ++_watchFailures >= _timing.RelistAfterWatchFailures)
        {
            // Resuming from the held version keeps failing; a list needs no version at all.
            Log.RelistAfterWatchFailures(logger, _watchFailures, _resumeVersion);
            _needsList = true;
            _watchFailures = 0;
        }
    }

    private void MarkProgress(DateTimeOffset now)
    {
        _progress = true;
        if (_failures > 0)
        {
            Log.Recovered(logger, _failures, _lastSyncedAt is { } at ? now - at : null);
            _failures = 0;
        }

        _lastSyncedAt = now;
    }

    private SliceRejection? Reject(V1EndpointSlice slice)
    {
        var rejection = EndpointSliceMapper.Validate(slice);
        if (rejection is not null)
        {
            CountRejection(rejection);
        }

        return rejection;
    }

    /// <summary>Counts a valid slice whose ports do not include the one its service uses (it gives no endpoints).</summary>
    private void CountPortMismatch(V1EndpointSlice slice)
    {
        var options = Options;
        if (EndpointSliceMapper.GetServiceName(slice) is { } kubernetesService
            && ResolveLogicalName(options, kubernetesService) is { } logical
            && EndpointSliceMapper.DescribePortMismatch([slice], options.GetService(logical)) is not null)
        {
            instruments.Rejected("port_not_found");
        }
    }

    private void CountRejection(SliceRejection rejection)
    {
        instruments.Rejected(rejection.Reason);
        Log.Rejected(logger, rejection.Reason, rejection.Detail);
    }

    /// <summary>Maps and queues the sets of the given Kubernetes services; returns how many were queued.</summary>
    private int Produce(IEnumerable<string> kubernetesServices, DateTimeOffset now)
    {
        var options = Options;
        var count = 0;
        foreach (var kubernetesService in kubernetesServices)
        {
            var logical = ResolveLogicalName(options, kubernetesService);
            if (logical is null)
            {
                Log.Ignored(logger, kubernetesService);
                continue;
            }

            var slices = _store.GetSlices(kubernetesService);
            var service = options.GetService(logical);
            var endpoints = EndpointSliceMapper.Map(slices, service);
            var problem = EndpointSliceMapper.DescribePortMismatch(slices, service);
            if (problem is null)
            {
                _portWarned.Remove(logical);
            }
            else if (_portWarned.Add(logical))
            {
                Log.PortMismatch(logger, logical, problem);
            }

            var update = new EndpointSetUpdate(SourceName, _versions.GetValueOrDefault(kubernetesService), endpoints, now, _generation, problem);
            if (slices.Count == 0 && !options.Services.ContainsKey(logical))
            {
                // Gone and not configured: publish the empty set once, then hold nothing about it.
                _held.Remove(logical);
                _versions.Remove(kubernetesService);
                _portWarned.Remove(logical);
                Enqueue(logical, update with { Withdrawn = true }, forget: true);
                count++;
                continue;
            }

            _held[logical] = update;
            Enqueue(logical, update);
            count++;
        }

        return count;
    }

    /// <summary>
    /// Re-sends unchanged sets with the same version and a new sync time, so that the grains can tell
    /// how fresh each service is; at most once per <see cref="EndpointSliceWatcherOptions.SyncRefreshInterval"/>.
    /// </summary>
    private void RefreshSyncTimes(DateTimeOffset now)
    {
        foreach (var (logical, held) in _held)
        {
            if (now - held.SyncedAt >= _timing.SyncRefreshInterval)
            {
                var refreshed = held with { SyncedAt = now };
                _held[logical] = refreshed;
                Enqueue(logical, refreshed);
            }
        }
    }

    /// <summary>
    /// The logical name of a Kubernetes service, or null when it is not to be published: restricted to
    /// configured services, or its name is a configured logical name backed by another Kubernetes service.
    /// </summary>
    private static string? ResolveLogicalName(ServiceDiscoveryOptions options, string kubernetesService)
    {
        var logical = options.GetLogicalName(kubernetesService);
        if (string.Equals(logical, kubernetesService, StringComparison.Ordinal)
            && options.Services.TryGetValue(logical, out var configured)
            && configured.ServiceName is { } backing
            && !string.Equals(backing, kubernetesService, StringComparison.Ordinal))
        {
            return null;
        }

        return options.Kubernetes.RestrictToConfigured && !options.Services.ContainsKey(logical) ? null : logical;
    }

    private void Enqueue(string service, EndpointSetUpdate update, bool forget = false)
    {
        _outbox[service] = new Outgoing(update, forget);
        if (_queued.TryAdd(service, true))
        {
            _dirty.Writer.TryWrite(service);
        }
    }

    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var service in _dirty.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                _queued.TryRemove(service, out _);
                if (!_outbox.TryGetValue(service, out var item))
                {
                    continue;
                }

                var update = item.Update;
                try
                {
                    var result = await publisher.PublishAsync(service, update, cancellationToken).ConfigureAwait(false);
                    if (item.Forget)
                    {
                        // Only if nothing newer was queued meanwhile; the service's series goes with it.
                        _outbox.TryRemove(KeyValuePair.Create(service, item));
                        instruments.Forget(service);
                    }
                    else if (result == ApplyResult.Stale)
                    {
                        // The catalog or grain holds a newer set: this one confirmed nothing.
                        Log.StaleSet(logger, service, update.Generation, update.Version);
                    }
                    else
                    {
                        instruments.Synced(service, update.SyncedAt);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    Log.PublishFailed(logger, e, service, update.Version, _timing.PublishRetryDelay);
                    _ = RequeueLaterAsync(service, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }

    private async Task RequeueLaterAsync(string service, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(_timing.PublishRetryDelay, timeProvider, cancellationToken).ConfigureAwait(false);
            if (_queued.TryAdd(service, true))
            {
                _dirty.Writer.TryWrite(service);
            }
        }
        catch (OperationCanceledException)
        {
            // Shutdown.
        }
    }

    private static string Classify(Exception error) => error switch
    {
        HttpOperationException { Response.StatusCode: HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden } => "unauthorized",
        HttpOperationException => "http_status",
        ListTimeoutException => "list_timeout",
        WatchErrorEventException => "error_event",
        JsonException => "malformed_line",
        HttpRequestException or IOException or System.Net.Sockets.SocketException or OperationCanceledException => "transport",
        _ => "error",
    };

    private static bool IsEmptyStream(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is EndOfStreamException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// "Too large resource version": the server has not reached the version asked for (its history is
    /// shorter than the watcher's). A real API server answers it with 504 and reason Timeout, with a cause
    /// <c>ResourceVersionTooLarge</c>; as an HTTP status or as an ERROR event.
    /// </summary>
    private static bool IsVersionTooLarge(Exception error) => error switch
    {
        KubernetesException { Status: { } status } =>
            status.Details?.Causes?.Any(c => c.Reason == "ResourceVersionTooLarge") == true
            || (status.Code == 504 && status.Message?.Contains("Too large resource version", StringComparison.OrdinalIgnoreCase) == true),
        HttpOperationException { Response: { StatusCode: HttpStatusCode.GatewayTimeout } response } =>
            response.Content?.Contains("ResourceVersionTooLarge", StringComparison.Ordinal) == true
            || response.Content?.Contains("Too large resource version", StringComparison.OrdinalIgnoreCase) == true,
        _ => false,
    };

    /// <summary>The newest set queued for a service, and whether the service is forgotten once it is delivered.</summary>
    private sealed record Outgoing(EndpointSetUpdate Update, bool Forget);

    /// <summary>A watch event older than a version seen before: the API server's history changed.</summary>
    private sealed class VersionsWentBackException(long version, long highest)
        : Exception($"Watch event at resourceVersion {version} after {highest}.")
    {
        public long Version { get; } = version;

        public long Highest { get; } = highest;
    }

    /// <summary>A list page did not answer within <c>list_timeout</c>.</summary>
    private sealed class ListTimeoutException(TimeSpan timeout, Exception inner)
        : TimeoutException($"The EndpointSlice list did not answer within {timeout.TotalSeconds:0.###} s (list_timeout).", inner);

    /// <summary>Thrown to make the retry strategy wait once after a session that made progress failed.</summary>
    private sealed class ReconnectDelayException() : Exception("Reconnecting after a failed session.");

    /// <summary>An ERROR event other than 410 ended the watch.</summary>
    private sealed class WatchErrorEventException(Exception error) : Exception($"The watch sent an ERROR event: {error.Message}", error);
}
