using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Threading.Channels;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TradingAgents.Actors.Tests.Fakes;

/// <summary>
/// A protocol-level Kubernetes API server for <c>discovery.k8s.io/v1</c> EndpointSlices, on Kestrel at
/// 127.0.0.1 with a free port, in the test process. It keeps a revision counter and the history of
/// every change, so that list (with <c>limit</c>/<c>continue</c>) and watch (from any retained
/// <c>resourceVersion</c>, with label selectors, bookmarks and <c>timeoutSeconds</c>) behave as a real
/// server does; <see cref="Compact"/> makes older versions expire with 410. Fault switches make it
/// close, reset or hang watches, send a malformed line, or answer the next requests with an HTTP status.
/// </summary>
public sealed class FakeKubernetesApiServer : IAsyncDisposable
{
    private const string Group = "/apis/discovery.k8s.io/v1";

    private readonly object _gate = new();
    private readonly WebApplication _app;
    private readonly Dictionary<string, V1EndpointSlice> _objects = new(StringComparer.Ordinal);
    private readonly List<(long Version, string Type, V1EndpointSlice Object)> _history = [];
    private readonly List<Watch> _watches = [];
    private readonly List<FakeRequest> _requests = [];
    private readonly Queue<HttpStatusCode> _failures = new();
    private long _revision = 1000;
    private long _compactedBefore;
    private int _abortNext;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FakeKubernetesApiServer(WebApplication app) => _app = app;

    /// <summary>Base address, <c>http://127.0.0.1:port</c>.</summary>
    public string Url { get; private set; } = string.Empty;

    /// <summary>How a watch from a compacted version is answered.</summary>
    public ExpiryMode ExpiryMode { get; set; }

    /// <summary>When true, new watch requests get no response at all (not even headers) until the client gives up.</summary>
    public bool HangWatches { get; set; }

    /// <summary>When true, list requests get no response at all until the client gives up.</summary>
    public bool HangLists { get; set; }

    /// <summary>When true, every watch is answered as one from a compacted version (410, in the form of <see cref="ExpiryMode"/>).</summary>
    public bool ExpireEveryWatch { get; set; }

    /// <summary>When set, every watch request is answered with this status, reason and message (lists are not affected).</summary>
    public (HttpStatusCode Status, string Reason, string Message)? WatchFailure { get; set; }

    /// <summary>When true, every request's connection is reset before any response (the API is down).</summary>
    public bool Down { get; set; }

    /// <summary>The current revision (resourceVersion of the newest change).</summary>
    public long Revision
    {
        get { lock (_gate) { return _revision; } }
    }

    /// <summary>Watches currently streaming.</summary>
    public int ActiveWatches
    {
        get { lock (_gate) { return _watches.Count; } }
    }

    /// <summary>
    /// <see cref="Stopwatch.GetTimestamp"/> at which the first watch began writing the event of each
    /// revision: the start of the latency a benchmark measures.
    /// </summary>
    public ConcurrentDictionary<long, long> SentAt { get; } = new();

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<FakeRequest> Requests
    {
        get { lock (_gate) { return [.. _requests]; } }
    }

    /// <summary>Starts a server on 127.0.0.1 with a free port.</summary>
    public static async Task<FakeKubernetesApiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeKubernetesApiServer(app);
        app.MapGet(Group + "/namespaces/{ns}/endpointslices", (HttpContext context, string ns) => server.HandleAsync(context, ns));
        app.MapGet(Group + "/endpointslices", (HttpContext context) => server.HandleAsync(context, null));
        await app.StartAsync();
        server.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return server;
    }

    /// <summary>A client of the real KubernetesClient library for this server.</summary>
    public IKubernetes CreateClient() => new Kubernetes(new KubernetesClientConfiguration { Host = Url });

    /// <summary>Creates or replaces a slice (ADDED or MODIFIED) at the next revision; returns that revision.</summary>
    public long Apply(V1EndpointSlice slice)
    {
        ArgumentNullException.ThrowIfNull(slice);
        lock (_gate)
        {
            var copy = Clone(slice);
            copy.Metadata.ResourceVersion = (++_revision).ToString(CultureInfo.InvariantCulture);
            var key = KeyOf(copy);
            var type = _objects.ContainsKey(key) ? "MODIFIED" : "ADDED";
            _objects[key] = copy;
            Record(type, copy);
            return _revision;
        }
    }

    /// <summary>Deletes a slice at the next revision; returns that revision.</summary>
    public long Delete(string @namespace, string name)
    {
        lock (_gate)
        {
            var key = $"{@namespace}/{name}";
            if (!_objects.Remove(key, out var existing))
            {
                throw new InvalidOperationException($"No slice {key}.");
            }

            var tombstone = Clone(existing);
            tombstone.Metadata.ResourceVersion = (++_revision).ToString(CultureInfo.InvariantCulture);
            Record("DELETED", tombstone);
            return _revision;
        }
    }

    /// <summary>Sends a watch event with a raw object (for hostile objects the typed model cannot express); returns its revision.</summary>
    public long SendRawEvent(string type, Func<long, string> objectJson)
    {
        lock (_gate)
        {
            var version = ++_revision;
            Broadcast(_ => true, $"{{\"type\":\"{type}\",\"object\":{objectJson(version)}}}");
            return version;
        }
    }

    /// <summary>
    /// Replaces the whole state, as an etcd restore or a rebuilt cluster does: the history starts again at
    /// <paramref name="revision"/> (lower than before) with <paramref name="slices"/> as its content, and
    /// every watch connection is reset. A watch from a version above the new revision is then answered as
    /// a real API server does: HTTP 504, reason Timeout, cause ResourceVersionTooLarge.
    /// </summary>
    public void Restore(long revision, IEnumerable<V1EndpointSlice> slices)
    {
        lock (_gate)
        {
            _objects.Clear();
            _history.Clear();
            _compactedBefore = 0;
            _revision = revision;
            foreach (var slice in slices)
            {
                var copy = Clone(slice);
                copy.Metadata.ResourceVersion = (++_revision).ToString(CultureInfo.InvariantCulture);
                _objects[KeyOf(copy)] = copy;
                _history.Add((_revision, "ADDED", copy));
            }

            foreach (var watch in _watches)
            {
                watch.Context.Abort();
            }
        }
    }

    /// <summary>Makes every version before the current revision expire (410 for watches and continue tokens from them).</summary>
    public void Compact()
    {
        lock (_gate)
        {
            _compactedBefore = _revision;
        }
    }

    /// <summary>Sends a BOOKMARK at the current revision to every watch that allowed bookmarks.</summary>
    public void SendBookmark()
    {
        lock (_gate)
        {
            var bookmark = $"{{\"type\":\"BOOKMARK\",\"object\":{{\"kind\":\"EndpointSlice\",\"apiVersion\":\"discovery.k8s.io/v1\",\"metadata\":{{\"resourceVersion\":\"{_revision}\"}}}}}}";
            Broadcast(w => w.AllowBookmarks, bookmark);
        }
    }

    /// <summary>Sends a raw line (malformed JSON, say) to every watch.</summary>
    public void SendRawLine(string line)
    {
        lock (_gate)
        {
            Broadcast(_ => true, line);
        }
    }

    /// <summary>Ends every watch stream cleanly, as the server does at its timeout.</summary>
    public void CloseWatches()
    {
        lock (_gate)
        {
            foreach (var watch in _watches)
            {
                watch.Lines.Writer.TryComplete();
            }
        }
    }

    /// <summary>Resets the connection of every watch (TCP RST from the client's view).</summary>
    public void ResetWatches()
    {
        lock (_gate)
        {
            foreach (var watch in _watches)
            {
                watch.Context.Abort();
            }
        }
    }

    /// <summary>Answers the next <paramref name="count"/> requests (list or watch) with <paramref name="status"/>.</summary>
    public void FailNext(int count, HttpStatusCode status)
    {
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _failures.Enqueue(status);
            }
        }
    }

    /// <summary>Resets the connection of the next <paramref name="count"/> requests before any response.</summary>
    public void AbortNext(int count)
    {
        lock (_gate)
        {
            _abortNext += count;
        }
    }

    /// <summary>Waits until the request log satisfies <paramref name="condition"/>, at most <paramref name="timeout"/>.</summary>
    public async Task WaitForRequestsAsync(Func<IReadOnlyList<FakeRequest>, bool> condition, TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (condition(_requests))
                {
                    return;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The fake API server's requests never met the condition; log: {string.Join(" | ", Requests)}");
            }
        }
    }

    /// <summary>Waits until no watch is streaming.</summary>
    public Task WaitForNoWatchesAsync(TimeSpan? timeout = null) => WaitForRequestsAsync(_ => _watches.Count == 0, timeout);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        CloseWatches();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>The last exception the fake itself threw while answering, for failure messages.</summary>
    public Exception? LastError { get; private set; }

    private async Task HandleAsync(HttpContext context, string? @namespace)
    {
        try
        {
            await HandleCoreAsync(context, @namespace);
        }
        catch (Exception e)
        {
            LastError = e;
            throw;
        }
    }

    private async Task HandleCoreAsync(HttpContext context, string? @namespace)
    {
        var query = context.Request.Query;
        var request = new FakeRequest(
            context.Request.Path,
            string.Equals(query["watch"], "true", StringComparison.OrdinalIgnoreCase),
            NullIfEmpty(query["resourceVersion"]),
            NullIfEmpty(query["labelSelector"]),
            NullIfEmpty(query["continue"]),
            int.TryParse(query["timeoutSeconds"], CultureInfo.InvariantCulture, out var seconds) ? seconds : null,
            string.Equals(query["allowWatchBookmarks"], "true", StringComparison.OrdinalIgnoreCase));

        HttpStatusCode? failure = null;
        var abort = false;
        lock (_gate)
        {
            _requests.Add(request);
            if (Down || _abortNext > 0)
            {
                abort = true;
                _abortNext = Math.Max(0, _abortNext - 1);
            }
            else if (_failures.Count > 0)
            {
                failure = _failures.Dequeue();
            }

            Pulse();
        }

        if (abort)
        {
            context.Abort();
            return;
        }

        if (failure is { } status)
        {
            await WriteStatusAsync(context, status, status.ToString(), $"injected failure {(int)status}");
            return;
        }

        var selector = new FakeLabelSelector(request.LabelSelector);
        bool Filter(V1EndpointSlice slice) =>
            (@namespace is null || slice.Metadata.NamespaceProperty == @namespace) && selector.Matches(slice.Metadata.Labels);

        if (request.IsWatch)
        {
            await WatchAsync(context, request, Filter);
        }
        else
        {
            await ListAsync(context, request, Filter);
        }
    }

    private async Task ListAsync(HttpContext context, FakeRequest request, Func<V1EndpointSlice, bool> filter)
    {
        if (HangLists)
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }

        long snapshot;
        var offset = 0;
        List<V1EndpointSlice> items;
        lock (_gate)
        {
            snapshot = _revision;
            if (request.Continue is { } token)
            {
                var parts = token.Split(':');
                snapshot = long.Parse(parts[0], CultureInfo.InvariantCulture);
                offset = int.Parse(parts[1], CultureInfo.InvariantCulture);
            }

            items = snapshot < _compactedBefore ? [] : [.. StateAt(snapshot).Where(filter).OrderBy(s => s.Metadata.Name, StringComparer.Ordinal)];
            if (snapshot < _compactedBefore)
            {
                offset = -1;
            }
        }

        if (offset < 0)
        {
            await WriteStatusAsync(context, HttpStatusCode.Gone, "Expired", "The provided continue parameter is too old");
            return;
        }

        var limit = int.TryParse(context.Request.Query["limit"], CultureInfo.InvariantCulture, out var l) && l > 0 ? l : int.MaxValue;
        var page = items.Skip(offset).Take(limit).ToList();
        var next = offset + page.Count < items.Count ? $"{snapshot}:{offset + page.Count}" : null;
        var list = new V1EndpointSliceList
        {
            ApiVersion = "discovery.k8s.io/v1",
            Kind = "EndpointSliceList",
            Metadata = new V1ListMeta { ResourceVersion = snapshot.ToString(CultureInfo.InvariantCulture), ContinueProperty = next },
            Items = page,
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(KubernetesJson.Serialize(list));
    }

    private async Task WatchAsync(HttpContext context, FakeRequest request, Func<V1EndpointSlice, bool> filter)
    {
        if (HangWatches)
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }

        if (WatchFailure is { } failure)
        {
            await WriteStatusAsync(context, failure.Status, failure.Reason, failure.Message);
            return;
        }

        var watch = new Watch(context, filter, request.AllowBookmarks);
        bool expired;
        long tooLarge = 0;
        lock (_gate)
        {
            var from = request.ResourceVersion is { } rv && long.TryParse(rv, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
            expired = ExpireEveryWatch || (from != 0 && from < _compactedBefore);
            if (from > _revision)
            {
                tooLarge = _revision;
            }
            else if (!expired)
            {
                if (from == 0)
                {
                    // No version: synthetic ADDED events for the current state, as the real server does.
                    foreach (var slice in _objects.Values.Where(filter))
                    {
                        watch.Lines.Writer.TryWrite((EventLine("ADDED", slice), 0));
                    }
                }
                else
                {
                    foreach (var (version, type, slice) in _history.Where(h => h.Version > from && filter(h.Object)))
                    {
                        watch.Lines.Writer.TryWrite((EventLine(type, slice), version));
                    }
                }

                _watches.Add(watch);
                Pulse();
            }
        }

        if (tooLarge != 0)
        {
            context.Response.StatusCode = (int)HttpStatusCode.GatewayTimeout;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(StatusJson(
                HttpStatusCode.GatewayTimeout,
                "Timeout",
                $"Too large resource version: {request.ResourceVersion}, current: {tooLarge}",
                new Dictionary<string, object> { ["causes"] = new[] { new Dictionary<string, object> { ["reason"] = "ResourceVersionTooLarge", ["message"] = "Too large resource version" } }, ["retryAfterSeconds"] = 1 }));
            return;
        }

        if (expired && ExpiryMode == ExpiryMode.HttpStatus)
        {
            await WriteStatusAsync(context, HttpStatusCode.Gone, "Expired", $"too old resource version: {request.ResourceVersion} ({_compactedBefore})");
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.StartAsync();
        await context.Response.Body.FlushAsync();
        if (expired)
        {
            var status = StatusJson(HttpStatusCode.Gone, "Expired", $"too old resource version: {request.ResourceVersion} ({_compactedBefore})");
            await context.Response.WriteAsync($"{{\"type\":\"ERROR\",\"object\":{status}}}\n");
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        if (request.TimeoutSeconds is { } seconds)
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
        }

        try
        {
            await foreach (var (line, version) in watch.Lines.Reader.ReadAllAsync(timeout.Token))
            {
                if (version != 0)
                {
                    SentAt.TryAdd(version, Stopwatch.GetTimestamp());
                }

                await context.Response.WriteAsync(line + "\n", timeout.Token);
                await context.Response.Body.FlushAsync(timeout.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // timeoutSeconds elapsed, or the client went away.
        }
        finally
        {
            lock (_gate)
            {
                _watches.Remove(watch);
                Pulse();
            }
        }
    }

    private IEnumerable<V1EndpointSlice> StateAt(long version)
    {
        var state = new Dictionary<string, V1EndpointSlice>(StringComparer.Ordinal);
        foreach (var (v, type, slice) in _history)
        {
            if (v > version)
            {
                break;
            }

            if (type == "DELETED")
            {
                state.Remove(KeyOf(slice));
            }
            else
            {
                state[KeyOf(slice)] = slice;
            }
        }

        return state.Values;
    }

    private void Record(string type, V1EndpointSlice slice)
    {
        _history.Add((_revision, type, slice));
        var line = EventLine(type, slice);
        foreach (var watch in _watches.Where(w => w.Filter(slice)))
        {
            watch.Lines.Writer.TryWrite((line, _revision));
        }
    }

    private void Broadcast(Func<Watch, bool> which, string line)
    {
        foreach (var watch in _watches.Where(which))
        {
            watch.Lines.Writer.TryWrite((line, 0));
        }
    }

    private void Pulse()
    {
        _changed.TrySetResult();
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static string EventLine(string type, V1EndpointSlice slice) =>
        $"{{\"type\":\"{type}\",\"object\":{KubernetesJson.Serialize(slice)}}}";

    private static async Task WriteStatusAsync(HttpContext context, HttpStatusCode status, string reason, string message)
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(StatusJson(status, reason, message), Encoding.UTF8);
    }

    // KubernetesClient cannot serialize V1Status (its converter only reads), so the Status is written by hand.
    private static string StatusJson(HttpStatusCode status, string reason, string message, Dictionary<string, object>? details = null)
    {
        var body = new Dictionary<string, object>
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new Dictionary<string, object>(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["code"] = (int)status,
        };
        if (details is not null)
        {
            body["details"] = details;
        }

        return System.Text.Json.JsonSerializer.Serialize(body);
    }

    private static V1EndpointSlice Clone(V1EndpointSlice slice) =>
        KubernetesJson.Deserialize<V1EndpointSlice>(KubernetesJson.Serialize(slice));

    private static string KeyOf(V1EndpointSlice slice) => $"{slice.Metadata.NamespaceProperty}/{slice.Metadata.Name}";

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private sealed class Watch(HttpContext context, Func<V1EndpointSlice, bool> filter, bool allowBookmarks)
    {
        public HttpContext Context { get; } = context;

        public Func<V1EndpointSlice, bool> Filter { get; } = filter;

        public bool AllowBookmarks { get; } = allowBookmarks;

        public Channel<(string Line, long Version)> Lines { get; } = Channel.CreateUnbounded<(string Line, long Version)>();
    }
}
