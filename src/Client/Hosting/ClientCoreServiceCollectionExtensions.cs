using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TradingAgents.Actors.Client.Http;
using TradingAgents.Actors.Client.Metrics;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Client.Hosting;

/// <summary>What both the discovery handler and the TradingAgents client need; safe to add more than once.</summary>
internal static class ClientCoreServiceCollectionExtensions
{
    public static IServiceCollection AddTradingAgentsClientCore(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ServiceCallMetrics>();
        services.TryAddSingleton<ClientInstruments>();
        services.AddServiceRouters();
        services.AddOptions<ServiceDiscoveryOptions>();
        services.AddOptions<TradingAgentsClientOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TradingAgentsClientOptions>, TradingAgentsClientOptionsValidator>());

        // IHttpClientFactory resolves handlers per pipeline; they must be transient.
        services.TryAddTransient<ServiceDiscoveryHandler>();
        services.TryAddTransient<ServiceDiscoveryRetryHandler>();
        return services;
    }
}
