using Microsoft.Extensions.DependencyInjection;
using TradingAgents.Actors.Client.Hosting;

namespace TradingAgents.Actors.Client.Http;

/// <summary>Adds service discovery through the TradingAgents grains to named and typed <see cref="HttpClient"/>s.</summary>
public static class ServiceDiscoveryHttpClientBuilderExtensions
{
    /// <summary>
    /// Sends the client's requests to an instance chosen by the service grain named by the request
    /// URI's host (<c>BaseAddress = new("http://data-service")</c>), and reports each outcome.
    /// </summary>
    /// <param name="builder">The client's builder.</param>
    /// <param name="retry">
    /// Also add a retry before the discovery handler: up to <c>max_retries</c> resends on other
    /// instances with exponential backoff and jitter, on connect failures always, on timeouts and 5xx
    /// only for idempotent methods. Leave false when the client has its own resilience handler (added
    /// before this call, so that it sits outside the discovery handler).
    /// </param>
    /// <returns>The builder.</returns>
    /// <remarks>Needs an <c>IGrainFactory</c> in the container: a co-hosted silo or an Orleans client.</remarks>
    public static IHttpClientBuilder AddServiceDiscovery(this IHttpClientBuilder builder, bool retry = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddTradingAgentsClientCore();
        if (retry)
        {
            builder.AddHttpMessageHandler<ServiceDiscoveryRetryHandler>();
        }

        return builder.AddHttpMessageHandler<ServiceDiscoveryHandler>();
    }
}
