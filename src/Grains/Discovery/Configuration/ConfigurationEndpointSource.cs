using System.Collections.Immutable;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using TradingAgents.Actors.Configuration;

namespace TradingAgents.Actors.Discovery.Configuration;

/// <summary>
/// Publishes the <c>endpoints:</c> listed under each configured service to the <see cref="EndpointCatalog"/>
/// as whole sets from source <see cref="SourceName"/>, once the silo is active and again whenever the
/// options change (a file edit). A service that leaves the file gets an empty set. Unchanged sets are
/// published again with the same version, which only refreshes their sync time. Failed deliveries are
/// retried with exponential backoff until they succeed, a newer reading supersedes them, or the silo stops.
/// </summary>
/// <remarks>
/// A silo lifecycle participant rather than a hosted service, because publishing calls service grains,
/// which is possible only once the silo is active; that also holds in test-cluster silos that run no
/// hosted services of the application.
/// </remarks>
internal sealed partial class ConfigurationEndpointSource : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    /// <summary>The source name carried by every set this source publishes.</summary>
    public const string SourceName = "configuration";

    private static readonly ResiliencePropertyKey<int> GenerationKey = new("ta.configuration.generation");
    private static readonly ResiliencePropertyKey<string> ServiceKey = new("ta.configuration.service");

    private readonly EndpointCatalog _catalog;
    private readonly IOptionsMonitor<ServiceDiscoveryOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ConfigurationEndpointSource> _logger;
    private readonly ResiliencePipeline _retry;
    private readonly CancellationTokenSource _stopping = new();

    // One pending signal is enough: every pass reads the newest options, so further changes coalesce.
    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private ImmutableDictionary<string, ConfiguredEndpointSet> _sets = ImmutableDictionary<string, ConfiguredEndpointSet>.Empty;
    private IDisposable? _subscription;
    private Task _loop = Task.CompletedTask;
    private int _generation;

    public ConfigurationEndpointSource(
        EndpointCatalog catalog,
        IOptionsMonitor<ServiceDiscoveryOptions> options,
        TimeProvider timeProvider,
        ILogger<ConfigurationEndpointSource> logger)
    {
        _catalog = catalog;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _retry = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(1),
                MaxDelay = TimeSpan.FromSeconds(30),
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is not null and not OperationCanceledException
                    && !IsSuperseded(args.Context.Properties.GetValue(GenerationKey, 0))),
                OnRetry = args =>
                {
                    LogRetrying(_logger, args.Outcome.Exception, args.Context.Properties.GetValue(ServiceKey, "?"), args.AttemptNumber + 1, args.RetryDelay);
                    return default;
                },
            })
            .Build();
    }

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ConfigurationEndpointSource), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    /// <inheritdoc />
    public void Dispose()
    {
        _subscription?.Dispose();
        _stopping.Dispose();
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = _options.OnChange((_, _) => Signal());

        // The first pass runs inline so that configured endpoints are in place when the silo reports
        // active; whatever fails is left to the background loop, which retries.
        if (!await PublishAllAsync(retry: false, cancellationToken).ConfigureAwait(false))
        {
            Signal();
        }

        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: nothing is left to publish.
        }
    }

    private void Signal()
    {
        Interlocked.Increment(ref _generation);
        _changes.Writer.TryWrite(true);
    }

    private bool IsSuperseded(int generation) => generation != Volatile.Read(ref _generation);

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var _ in _changes.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await PublishAllAsync(retry: true, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The silo is stopping.
        }
    }

    /// <summary>Computes the sets from the current options and publishes all of them; false when any delivery failed.</summary>
    private async Task<bool> PublishAllAsync(bool retry, CancellationToken cancellationToken)
    {
        var generation = Volatile.Read(ref _generation);
        ServiceDiscoveryOptions options;
        try
        {
            options = _options.CurrentValue;
        }
        catch (OptionsValidationException exception)
        {
            LogOptionsInvalid(_logger, exception);
            return true;
        }

        var now = _timeProvider.GetUtcNow();
        _sets = ConfigurationEndpointSets.Compute(options, _sets, now.UtcTicks);
        LogReading(_logger, _sets.Count, _sets.Values.Count(static s => s.Changed));
        var delivered = await Task.WhenAll(_sets.Select(pair =>
            PublishAsync(pair.Key, new EndpointSetUpdate(SourceName, pair.Value.Version, pair.Value.Endpoints, now), retry, generation, cancellationToken)))
            .ConfigureAwait(false);
        return delivered.All(static ok => ok);
    }

    private async Task<bool> PublishAsync(string service, EndpointSetUpdate update, bool retry, int generation, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            context.Properties.Set(GenerationKey, generation);
            context.Properties.Set(ServiceKey, service);
            if (retry)
            {
                await _retry.ExecuteAsync(
                    static async (ctx, state) => await state.Catalog.PublishAsync(state.Service, state.Update, ctx.CancellationToken).ConfigureAwait(false),
                    context,
                    (Catalog: _catalog, Service: service, Update: update)).ConfigureAwait(false);
            }
            else
            {
                await _catalog.PublishAsync(service, update, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception) when (IsSuperseded(generation))
        {
            LogSuperseded(_logger, exception, service, update.Version);
            return false;
        }
        catch (Exception exception)
        {
            LogPublishFailed(_logger, exception, service, update.Version);
            return false;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    [LoggerMessage(EventId = 1300, Level = LogLevel.Debug, Message = "Configuration read: {Count} service(s), {Changed} changed")]
    private static partial void LogReading(ILogger logger, int count, int changed);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Publishing configured endpoints of {Service} failed (attempt {Attempt}); retrying in {Delay}")]
    private static partial void LogRetrying(ILogger logger, Exception? exception, string service, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "Publishing configured endpoints of {Service} at version {Version} failed; a later pass retries")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string service, long version);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Debug, Message = "Publishing configured endpoints of {Service} at version {Version} failed and was superseded by a newer reading")]
    private static partial void LogSuperseded(ILogger logger, Exception exception, string service, long version);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Error, Message = "The service discovery options are invalid; no configured endpoints were published")]
    private static partial void LogOptionsInvalid(ILogger logger, Exception exception);
}
