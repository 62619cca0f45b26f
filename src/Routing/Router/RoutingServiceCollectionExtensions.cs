using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace TradingAgents.Actors.Routing;

/// <summary>Registers the data plane: one <see cref="ServiceRouters"/> per process.</summary>
public static class RoutingServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ServiceRouters"/> (singleton) with <see cref="RouterOptions"/> bound to the
    /// <c>Routing</c> section of <paramref name="configuration"/> when one is given. Needs an
    /// <c>IGrainFactory</c> (a silo or an Orleans client) and <c>ServiceDiscoveryOptions</c>. Safe to call twice.
    /// </summary>
    public static IServiceCollection AddServiceRouters(this IServiceCollection services, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<RouterOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RouterOptions>, RouterOptionsValidator>());
        if (configuration is not null)
        {
            options.Bind(configuration.GetSection(RouterOptions.SectionName));
        }

        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ServiceRouters>();
        return services;
    }
}
