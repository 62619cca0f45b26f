using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Discovery;

namespace TradingAgents.Actors.Routing;

/// <summary>
/// This process's routers, one per service in use, each subscribed to its service grain. The gateway and
/// the client library both route through it (<see cref="Get"/>); <see cref="WarmAsync"/> subscribes the
/// configured services at start-up so the first request never waits for a subscription.
/// </summary>
public sealed class ServiceRouters : IAsyncDisposable, IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<ServiceRouter>> _routers = new(StringComparer.Ordinal);
    private readonly IGrainFactory _grainFactory;
    private readonly IOptionsMonitor<ServiceDiscoveryOptions> _discovery;
    private readonly IOptionsMonitor<RouterOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggerFactory;
    private readonly IRouterPickObserver? _pickObserver;
    private RouteLocality? _locality;

    /// <summary>Creates the registry; routers are created on first use.</summary>
    public ServiceRouters(
        IGrainFactory grainFactory,
        IOptionsMonitor<ServiceDiscoveryOptions> discovery,
        IOptionsMonitor<RouterOptions> options,
        IMeterFactory meterFactory,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        IRouterPickObserver? pickObserver = null)
    {
        ArgumentNullException.ThrowIfNull(grainFactory);
        ArgumentNullException.ThrowIfNull(discovery);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _grainFactory = grainFactory;
        _discovery = discovery;
        _options = options;
        _timeProvider = timeProvider;
        _loggerFactory = loggerFactory;
        _pickObserver = pickObserver;
        Instruments = new RouterInstruments(meterFactory, () => All);
    }

    /// <summary>Every router of this process.</summary>
    public IReadOnlyCollection<ServiceRouter> All => [.. _routers.Values.Where(r => r.IsValueCreated).Select(r => r.Value)];

    internal RouterInstruments Instruments { get; }

    /// <summary>Where this process runs (<c>Routing:Zone</c>, <c>Routing:Node</c>, their environment defaults), shared by its routers.</summary>
    public RouteLocality Locality => _locality ??= RouteLocality.From(_options.CurrentValue);

    /// <summary>The router of <paramref name="service"/>, created and subscribed on first use.</summary>
    public ServiceRouter Get(string service)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        return _routers.GetOrAdd(service, s => new Lazy<ServiceRouter>(() => Create(s))).Value;
    }

    /// <summary>
    /// The router of <paramref name="service"/> once it has a snapshot, waiting at most
    /// <see cref="RouterOptions.FirstSnapshotTimeout"/> for the first one. A service the control plane
    /// does not know is not kept (its router is dropped), so mistyped names do not accumulate.
    /// </summary>
    public async ValueTask<ServiceRouter> GetReadyAsync(string service, CancellationToken cancellationToken = default)
    {
        var router = Get(service);
        if (!router.HasSnapshot)
        {
            router.NextPickWaited = true;
            try
            {
                await router.FirstSnapshot.WaitAsync(_options.CurrentValue.FirstSnapshotTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Answered by the router's pending table: "no routing snapshot has arrived yet".
            }
        }

        return router;
    }

    /// <summary>
    /// Subscribes a router for each of <paramref name="services"/> and waits until each has a snapshot,
    /// or <paramref name="timeout"/> passes. Returns, per service still without one, why.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> WarmAsync(IEnumerable<string> services, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        var routers = services.Distinct(StringComparer.Ordinal).Select(Get).ToList();
        try
        {
            await Task.WhenAll(routers.Select(r => r.FirstSnapshot)).WaitAsync(timeout, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Reported below, per service.
        }

        return routers
            .Where(r => !r.HasSnapshot)
            .ToDictionary(r => r.Service, r => r.ControlPlaneError ?? "no routing snapshot yet", StringComparer.Ordinal);
    }

    /// <summary>Sends every router's pending outcomes now.</summary>
    public Task FlushAsync() => Task.WhenAll(All.Select(r => r.FlushAsync()));

    /// <summary>Stops every router's background loop without sending pending outcomes; prefer <see cref="DisposeAsync"/>.</summary>
    public void Dispose()
    {
        foreach (var router in All)
        {
            router.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var router in _routers.Values.Where(r => r.IsValueCreated).Select(r => r.Value))
        {
            await router.DisposeAsync().ConfigureAwait(false);
        }

        _routers.Clear();
    }

    /// <summary>Drops a router whose service the control plane no longer knows; a later request creates a new one.</summary>
    private void Forget(ServiceRouter router)
    {
        if (_routers.TryGetValue(router.Service, out var held) && held.IsValueCreated && ReferenceEquals(held.Value, router)
            && _routers.TryRemove(new KeyValuePair<string, Lazy<ServiceRouter>>(router.Service, held)))
        {
            _ = router.DisposeAsync().AsTask();
        }
    }

    private ServiceRouter Create(string service)
    {
        var router = new ServiceRouter(
            service,
            _grainFactory,
            _options.CurrentValue,
            () => _discovery.CurrentValue.CircuitBreaker.FailureThreshold,
            () => _discovery.CurrentValue.CircuitBreaker.MaxRetryAfter,
            _timeProvider,
            Instruments,
            _pickObserver,
            Forget,
            _loggerFactory.CreateLogger<ServiceRouter>(),
            () => _discovery.CurrentValue.GetRetryBudget(service),
            Locality,
            () => _discovery.CurrentValue.ZoneAffinity);
        router.Start();
        return router;
    }
}
