namespace TradingAgents.DemoServices;

/// <summary>Several instances of each demo service, started and stopped together (the gateway's <c>--demo</c>).</summary>
public sealed class DemoBackendFleet : IAsyncDisposable
{
    /// <summary>The most instances per service a fleet starts.</summary>
    public const int MaxInstancesPerService = 10;

    private readonly Dictionary<DemoServiceKind, IReadOnlyList<DemoBackend>> _byService;

    private DemoBackendFleet(IReadOnlyList<DemoBackend> backends)
    {
        Backends = backends;
        _byService = backends
            .GroupBy(backend => backend.Service)
            .ToDictionary(group => group.Key, group => (IReadOnlyList<DemoBackend>)[.. group]);
    }

    /// <summary>Every instance, grouped by service in the order of <see cref="DemoBackendFleetOptions.Services"/>.</summary>
    public IReadOnlyList<DemoBackend> Backends { get; }

    /// <summary>The instances by service.</summary>
    public IReadOnlyDictionary<DemoServiceKind, IReadOnlyList<DemoBackend>> ByService => _byService;

    /// <summary>The instances of <paramref name="service"/>, in index order.</summary>
    /// <exception cref="KeyNotFoundException">The fleet does not run that service.</exception>
    public IReadOnlyList<DemoBackend> this[DemoServiceKind service] =>
        _byService.TryGetValue(service, out var backends)
            ? backends
            : throw new KeyNotFoundException($"This fleet runs no {DemoServiceNames.Of(service)} instances.");

    /// <summary>
    /// The standard port of instance <paramref name="index"/> of a service: the seed's port plus ten per
    /// index, so 8005/8015/8025 for analysis-engine, 8003/8013/8023 for data-service, and so on.
    /// </summary>
    public static int StandardPort(DemoServiceKind service, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return DemoServiceNames.DefaultPort(service) + (10 * index);
    }

    /// <summary>Starts every instance; if one fails, those already started are killed and the error is rethrown.</summary>
    /// <exception cref="ArgumentException">Bad options; the message names the field.</exception>
    public static async Task<DemoBackendFleet> StartAsync(DemoBackendFleetOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.InstancesPerService is < 1 or > MaxInstancesPerService)
        {
            throw new ArgumentException(
                $"InstancesPerService must be from 1 to {MaxInstancesPerService}; was {options.InstancesPerService}.", nameof(options));
        }

        if (options.Services is null || options.Services.Count == 0 || options.Services.Distinct().Count() != options.Services.Count)
        {
            throw new ArgumentException("Services must list at least one service, each once.", nameof(options));
        }

        var starts = new List<Task<DemoBackend>>();
        foreach (var service in options.Services)
        {
            for (var index = 0; index < options.InstancesPerService; index++)
            {
                starts.Add(DemoBackend.StartAsync(
                    new DemoBackendOptions
                    {
                        Service = service,
                        InstanceName = options.InstanceNameSelector(service, index),
                        Host = options.Host,
                        Port = options.PortSelector(service, index),
                        TimeProvider = options.TimeProvider,
                        MinimumLogLevel = options.MinimumLogLevel,
                    },
                    cancellationToken));
            }
        }

        try
        {
            await Task.WhenAll(starts).ConfigureAwait(false);
        }
        catch
        {
            foreach (var start in starts.Where(start => start.IsCompletedSuccessfully))
            {
                await start.Result.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        return new DemoBackendFleet([.. starts.Select(start => start.Result)]);
    }

    /// <summary>Stops every instance gracefully (see <see cref="DemoBackend.StopAsync"/>).</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) =>
        Task.WhenAll(Backends.Select(backend => backend.StopAsync(cancellationToken)));

    /// <summary>Kills every instance not already stopped.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var backend in Backends)
        {
            await backend.DisposeAsync().ConfigureAwait(false);
        }
    }
}
