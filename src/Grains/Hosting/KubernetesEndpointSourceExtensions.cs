using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Discovery.Kubernetes;

namespace TradingAgents.Actors.Hosting;

/// <summary>Registers the Kubernetes EndpointSlice watcher as an endpoint source of the silo.</summary>
public static class KubernetesEndpointSourceExtensions
{
    /// <summary>
    /// Adds the EndpointSlice watcher. It runs on every silo from the moment the silo is active, and only
    /// when <c>service_discovery.kubernetes.enabled</c> is true; otherwise nothing is constructed.
    /// </summary>
    public static ISiloBuilder AddKubernetesEndpointSource(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddKubernetesEndpointSource();
        return builder;
    }

    /// <inheritdoc cref="AddKubernetesEndpointSource(ISiloBuilder)"/>
    /// <remarks>
    /// An <see cref="IKubernetes"/> registered before this call is used as it is (tests register one for
    /// a fake API server); otherwise <see cref="KubernetesClientFactory"/> builds one.
    /// </remarks>
    public static IServiceCollection AddKubernetesEndpointSource(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddMetrics();
        services.AddOptions<EndpointSliceWatcherOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<KubernetesWatcherInstruments>();
        services.TryAddSingleton<KubernetesClientFactory>();
        services.TryAddSingleton<IKubernetes>(static sp => sp.GetRequiredService<KubernetesClientFactory>().Create());
        services.TryAddSingleton<IEndpointSetPublisher>(static sp => sp.GetRequiredService<EndpointCatalog>());
        services.TryAddSingleton<IListGenerationAgreement, GrainListGenerationAgreement>();
        services.TryAddSingleton<EndpointSliceWatcher>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, KubernetesEndpointSourceLifecycle>();
        return services;
    }
}
