using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Diagnostics;
using TradingAgents.Actors.Discovery;
using Orleans.Storage;
using TradingAgents.Actors.Health;

namespace TradingAgents.Actors.Hosting;

/// <summary>Registers the discovery grains' services in a silo.</summary>
public static class ServiceDiscoveryHostingExtensions
{
    /// <summary>
    /// Name of the grain storage that keeps each instance's breaker state across activations and silos.
    /// Register one under this name before <see cref="AddServiceDiscoveryGrains(ISiloBuilder)"/> to choose
    /// where (Redis when clustering on Redis); otherwise it is in memory, which survives a grain's
    /// deactivation but not the loss of the silo holding the storage.
    /// </summary>
    public const string BreakerStorageName = "breaker";

    /// <summary>
    /// Adds service discovery to a silo: options read from <paramref name="configuration"/> (the
    /// <c>service_discovery:</c> tree, validated at start-up), the grains' services, and every
    /// endpoint source (configuration always; Kubernetes when <c>kubernetes.enabled</c>).
    /// </summary>
    public static ISiloBuilder AddServiceDiscovery(this ISiloBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.AddServiceDiscoveryOptions(configuration);
        builder.AddServiceDiscoveryGrains();
        builder.AddConfigurationEndpointSource();
        builder.AddKubernetesEndpointSource();
        return builder;
    }

    /// <summary>
    /// Adds what the service and instance grains need: the breaker's grain storage (in memory unless one
    /// named <see cref="BreakerStorageName"/> is already registered), the endpoint catalog, the state board and instruments, the health probe and its
    /// pooled HttpClient, and <see cref="TimeProvider.System"/> unless a clock is already registered.
    /// Options (<c>ServiceDiscoveryOptions</c>) and endpoint sources are registered separately.
    /// </summary>
    public static ISiloBuilder AddServiceDiscoveryGrains(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddServiceDiscoveryGrains();
        if (!builder.Services.Any(static d => d.IsKeyedService && d.ServiceType == typeof(IGrainStorage) && Equals(d.ServiceKey, BreakerStorageName)))
        {
            builder.AddMemoryGrainStorage(BreakerStorageName);
        }

        return builder;
    }

    /// <inheritdoc cref="AddServiceDiscoveryGrains(ISiloBuilder)"/>
    public static IServiceCollection AddServiceDiscoveryGrains(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<EndpointCatalog>();
        services.TryAddSingleton<ServiceStateBoard>();
        services.TryAddSingleton<DiscoveryInstruments>();
        services.TryAddSingleton<HealthProbe>();
        services.AddHttpClient(HealthProbe.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // Probes must see a replaced pod, not a pooled connection to its predecessor.
                PooledConnectionLifetime = TimeSpan.FromMinutes(1),
                ConnectTimeout = TimeSpan.FromSeconds(5),
                AllowAutoRedirect = false,
                UseProxy = false,
            });
        return services;
    }
}
