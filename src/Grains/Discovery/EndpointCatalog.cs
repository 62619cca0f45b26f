using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Grains;

namespace TradingAgents.Actors.Discovery;

/// <summary>
/// This silo's record of the newest whole endpoint set each source published for each service, and
/// the one path by which those sets reach the service grains. Every silo runs the same sources and so
/// holds the same sets; a service grain that activates (first use, or after its silo died) hydrates
/// from the catalog of the silo it lands on, so no source has to notice the move.
/// </summary>
public sealed partial class EndpointCatalog(
    IGrainFactory grainFactory,
    IOptionsMonitor<ServiceDiscoveryOptions> options,
    ILogger<EndpointCatalog> logger) : IEndpointSetPublisher
{
    private readonly ConcurrentDictionary<string, ServiceEntry> _services = new(StringComparer.Ordinal);

    /// <summary>True when <paramref name="service"/> is configured or some source has published a set for it.</summary>
    public bool IsKnown(string service) =>
        options.CurrentValue.Services.ContainsKey(service) || _services.ContainsKey(service);

    /// <summary>Every configured or discovered service name, sorted.</summary>
    public IReadOnlyList<string> GetKnownServices() =>
        [.. options.CurrentValue.Services.Keys.Union(_services.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>The newest set of each source for <paramref name="service"/>; empty when none was published.</summary>
    public IReadOnlyList<EndpointSetUpdate> GetSets(string service)
    {
        if (!_services.TryGetValue(service, out var entry))
        {
            return [];
        }

        lock (entry.Sets)
        {
            return [.. entry.Sets.Values];
        }
    }

    /// <summary>Services the catalog holds sets for (configured services without sets are not counted).</summary>
    public int Count => _services.Count;

    /// <summary>
    /// Records <paramref name="update"/> for <paramref name="service"/> when it is not older than the
    /// set held, then delivers it to the service grain. Deliveries for one service are ordered; a
    /// failed delivery throws so that the source retries, and the catalog already holds the set for
    /// the grain's next activation. A service that is not configured, that no source lists an
    /// endpoint for and that a source withdrew (its Kubernetes Service was deleted) is forgotten once
    /// the grain has the set: <see cref="IsKnown"/> turns false again. One scaled to zero stays known.
    /// </summary>
    public async Task<ApplyResult> PublishAsync(string service, EndpointSetUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(service);
        ArgumentNullException.ThrowIfNull(update);

        ServiceEntry entry;
        while (true)
        {
            entry = _services.GetOrAdd(service, static _ => new ServiceEntry());
            await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (!entry.Forgotten)
            {
                break;
            }

            // Forgotten while this call waited: start again on the entry that replaced it.
            entry.Gate.Release();
        }

        try
        {
            lock (entry.Sets)
            {
                if (entry.Sets.TryGetValue(update.Source, out var held) && EndpointSetOrder.Compare(update, held) < 0)
                {
                    LogStale(logger, service, update.Source, update.Generation, update.Version, held.Generation, held.Version);
                    return ApplyResult.Stale;
                }

                entry.Sets[update.Source] = update;
            }

            var result = await grainFactory.GetGrain<IServiceGrain>(service).ApplyEndpointsAsync(update).ConfigureAwait(false);
            if (result == ApplyResult.Applied)
            {
                LogApplied(logger, service, update.Source, update.Version, update.Endpoints.Length);
            }

            ForgetIfGone(service, entry);
            return result;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private void ForgetIfGone(string service, ServiceEntry entry)
    {
        if (options.CurrentValue.Services.ContainsKey(service))
        {
            return;
        }

        lock (entry.Sets)
        {
            if (!EndpointSetOrder.IsGone(entry.Sets.Values))
            {
                return;
            }

            entry.Forgotten = true;
        }

        _services.TryRemove(KeyValuePair.Create(service, entry));
        LogForgotten(logger, service);
    }

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Service {Service} is not configured and no source lists an endpoint for it any more; forgotten")]
    private static partial void LogForgotten(ILogger logger, string service);

    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Endpoints of {Service} from {Source} at version {Version}: {Count} endpoint(s)")]
    private static partial void LogApplied(ILogger logger, string service, string source, long version, int count);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Debug, Message = "Ignored endpoints of {Service} from {Source} at generation {Generation} version {Version}: generation {HeldGeneration} version {Held} is held")]
    private static partial void LogStale(ILogger logger, string service, string source, long generation, long version, long heldGeneration, long held);

    private sealed class ServiceEntry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public Dictionary<string, EndpointSetUpdate> Sets { get; } = new(StringComparer.Ordinal);

        /// <summary>Set under the gate when the entry left the catalog; a publisher that waited for the gate starts again.</summary>
        public bool Forgotten { get; set; }
    }
}
