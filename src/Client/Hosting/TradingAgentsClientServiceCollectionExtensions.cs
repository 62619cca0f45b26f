using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TradingAgents.Actors.Client.Calls;
using TradingAgents.Actors.Client.Http;
using TradingAgents.Actors.Client.TradingAgents;

namespace TradingAgents.Actors.Client.Hosting;

/// <summary>Registers the TradingAgents client library.</summary>
public static class TradingAgentsClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ServiceCaller"/>, <see cref="TradingAgentsClient"/>, <see cref="Metrics.ServiceCallMetrics"/>,
    /// the instruments and the named <see cref="HttpClient"/> <see cref="TradingAgentsClientOptions.HttpClientName"/>
    /// with discovery and retry. Needs an <c>IGrainFactory</c>: a co-hosted silo (<c>UseOrleans</c>) or
    /// an external cluster client (<c>UseOrleansClient</c>). Retries and timeouts follow the
    /// <see cref="Configuration.ServiceDiscoveryOptions"/> registered in the container (defaults when none are bound).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adjusts <see cref="TradingAgentsClientOptions"/>; null for the defaults.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddTradingAgentsClient(this IServiceCollection services, Action<TradingAgentsClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddTradingAgentsClientCore();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        // A second call must not add the handlers to the named client twice.
        if (services.Any(d => d.ServiceType == typeof(ServiceCaller)))
        {
            return services;
        }

        services
            .AddHttpClient(TradingAgentsClientOptions.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .AddServiceDiscovery(retry: true);
        services.TryAddSingleton<ServiceCaller>();
        services.TryAddSingleton<TradingAgentsClient>();
        return services;
    }
}
