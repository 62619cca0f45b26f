using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Discovery.Configuration;

namespace TradingAgents.Actors.Hosting;

/// <summary>Registers the configuration endpoint source on a silo.</summary>
public static class ConfigurationEndpointSourceExtensions
{
    /// <summary>
    /// Publishes each configured service's <c>endpoints:</c> to the service grains once the silo is
    /// active, and again on every change of <c>IOptionsMonitor&lt;ServiceDiscoveryOptions&gt;</c>.
    /// Register the options with <c>AddServiceDiscoveryOptions</c> for file reloads to reach it.
    /// </summary>
    public static ISiloBuilder AddConfigurationEndpointSource(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddConfigurationEndpointSource();
        return builder;
    }

    /// <inheritdoc cref="AddConfigurationEndpointSource(ISiloBuilder)"/>
    public static IServiceCollection AddConfigurationEndpointSource(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<EndpointCatalog>();
        services.TryAddSingleton<ConfigurationEndpointSource>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILifecycleParticipant<ISiloLifecycle>, ConfigurationEndpointSource>(
            static provider => provider.GetRequiredService<ConfigurationEndpointSource>()));
        return services;
    }
}
