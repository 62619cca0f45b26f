using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Discovery.Kubernetes;

namespace TradingAgents.Actors.Tests.Fakes;

/// <summary>
/// A watcher wired to a fresh fake API server (through the real KubernetesClient), a recording publisher,
/// a <see cref="FakeTimeProvider"/> for its watchdog, backoff and sync times, a fake logger and metric collectors.
/// </summary>
public sealed class WatcherHarness : IAsyncDisposable
{
    private readonly ServiceProvider _metrics;
    private readonly k8s.IKubernetes _client;

    private WatcherHarness(FakeKubernetesApiServer server, ServiceDiscoveryOptions options, EndpointSliceWatcherOptions timing, IListGenerationAgreement? generations)
    {
        Server = server;
        Options = options;
        Timing = timing;
        _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = _metrics.GetRequiredService<IMeterFactory>();
        Restarts = new MetricCollector<long>(meterFactory, KubernetesWatcherInstruments.MeterName, KubernetesWatcherInstruments.RestartsName);
        Relists = new MetricCollector<long>(meterFactory, KubernetesWatcherInstruments.MeterName, KubernetesWatcherInstruments.RelistsName);
        Rejected = new MetricCollector<long>(meterFactory, KubernetesWatcherInstruments.MeterName, KubernetesWatcherInstruments.RejectedObjectsName);
        DelayedLists = new MetricCollector<long>(meterFactory, KubernetesWatcherInstruments.MeterName, KubernetesWatcherInstruments.DelayedListsName);
        LastSync = new MetricCollector<double>(meterFactory, KubernetesWatcherInstruments.MeterName, KubernetesWatcherInstruments.LastSyncName);
        Instruments = new KubernetesWatcherInstruments(meterFactory);
        _client = server.CreateClient();
        Watcher = new EndpointSliceWatcher(
            _client,
            Publisher,
            generations ?? new LocalListGenerationAgreement(Time),
            new StaticOptionsMonitor<ServiceDiscoveryOptions>(options),
            Microsoft.Extensions.Options.Options.Create(timing),
            Instruments,
            Time,
            new FakeLogger<EndpointSliceWatcher>(Logs));
    }

    public FakeKubernetesApiServer Server { get; }

    public RecordingPublisher Publisher { get; } = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 6, 1, 8, 0, 0, TimeSpan.Zero));

    public FakeLogCollector Logs { get; } = new();

    public ServiceDiscoveryOptions Options { get; }

    public EndpointSliceWatcherOptions Timing { get; }

    public MetricCollector<long> Restarts { get; }

    public MetricCollector<long> Relists { get; }

    public MetricCollector<long> Rejected { get; }

    public MetricCollector<long> DelayedLists { get; }

    public MetricCollector<double> LastSync { get; }

    public KubernetesWatcherInstruments Instruments { get; }

    /// <summary>The <c>endpoint_watcher_last_sync_time</c> series now: service → Unix seconds.</summary>
    public IReadOnlyDictionary<string, double> LastSyncTimes()
    {
        LastSync.Clear();
        LastSync.RecordObservableInstruments();
        return LastSync.GetMeasurementSnapshot().ToDictionary(m => (string)m.Tags["service"]!, m => m.Value, StringComparer.Ordinal);
    }

    public EndpointSliceWatcher Watcher { get; }

    /// <summary>Lists so far.</summary>
    public int ListRequests => Server.Requests.Count(r => r.IsList);

    /// <summary>Watch requests so far.</summary>
    public IReadOnlyList<FakeRequest> WatchRequests => [.. Server.Requests.Where(r => r.IsWatch)];

    /// <summary>Creates the harness; <paramref name="seed"/> fills the server before the watcher starts.</summary>
    public static async Task<WatcherHarness> CreateAsync(
        Action<FakeKubernetesApiServer>? seed = null,
        Action<ServiceDiscoveryOptions>? configure = null,
        Action<EndpointSliceWatcherOptions>? timing = null,
        IListGenerationAgreement? generations = null)
    {
        var server = await FakeKubernetesApiServer.StartAsync();
        seed?.Invoke(server);
        var options = new ServiceDiscoveryOptions { Namespace = Slices.Namespace };
        options.Kubernetes.Enabled = true;

        // Tests pump fake time in steps up to the 30 s backoff cap while a list is in flight over real
        // I/O; the list bound is tested on its own, with small steps.
        options.Kubernetes.ListTimeout = TimeSpan.FromHours(1);
        configure?.Invoke(options);
        var random = new Random(1234);
        var watcherOptions = new EndpointSliceWatcherOptions { Randomizer = random.NextDouble };
        timing?.Invoke(watcherOptions);
        return new WatcherHarness(server, options, watcherOptions, generations);
    }

    /// <summary>Starts the watcher and waits until its first watch is streaming.</summary>
    public async Task StartAsync()
    {
        await Watcher.StartAsync(CancellationToken.None);
        await Server.WaitForRequestsAsync(_ => Server.ActiveWatches == 1);
    }

    /// <summary>Restarts counted with <paramref name="reason"/>.</summary>
    public long RestartCount(string reason) => Sum(Restarts, reason);

    /// <summary>Rejections counted with <paramref name="reason"/>.</summary>
    public long RejectedCount(string reason) => Sum(Rejected, reason);

    /// <summary>
    /// Advances fake time by <paramref name="step"/> until <paramref name="condition"/> holds, waiting for
    /// the real I/O in between; bounded by <paramref name="timeout"/> (default 10 s of real time).
    /// </summary>
    public async Task PumpUntilAsync(Func<bool> condition, TimeSpan step, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        var started = Stopwatch.GetTimestamp();
        while (!condition())
        {
            if (Stopwatch.GetElapsedTime(started) > limit)
            {
                throw new TimeoutException($"Condition not met after pumping fake time to {Time.GetUtcNow():O}; requests: {string.Join(" | ", Server.Requests)}; log: {LogText()}; fake error: {Server.LastError}");
            }

            Time.Advance(step);
            await Task.WhenAny(
                Server.WaitForRequestsAsync(_ => condition(), TimeSpan.FromMilliseconds(50)),
                Publisher.WaitUntilAsync(_ => condition(), TimeSpan.FromMilliseconds(50))).Unwrap().ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>The watcher's log so far, one record per line, for failure messages.</summary>
    public string LogText() => string.Join(Environment.NewLine, Logs.GetSnapshot().Select(r => $"{r.Level} {r.Id.Name}: {r.Message} {r.Exception?.GetType().Name} {r.Exception?.Message}"));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Watcher.StopAsync(CancellationToken.None);
        Watcher.Dispose();
        _client.Dispose();
        await Server.DisposeAsync();
        Restarts.Dispose();
        Relists.Dispose();
        Rejected.Dispose();
        DelayedLists.Dispose();
        LastSync.Dispose();
        await _metrics.DisposeAsync();
    }

    private static long Sum(MetricCollector<long> collector, string reason) =>
        collector.GetMeasurementSnapshot().Where(m => Equals(m.Tags["reason"], reason)).Sum(m => m.Value);
}
