using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>Registers and maps the forwarding path.</summary>
public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// Adds YARP's forwarder, the shared connection pool, the <see cref="ServiceForwarder"/>, draining,
    /// the no-op <see cref="IGatewayObserver"/> (unless one is registered) and the <c>Gateway</c>
    /// options (validated at start-up), and applies the body and header limits to Kestrel.
    /// </summary>
    public static IServiceCollection AddGateway(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<GatewayOptions>().Bind(configuration.GetSection(GatewayOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>());
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<GatewayOptions>>((kestrel, gateway) =>
        {
            kestrel.Limits.MaxRequestBodySize = gateway.Value.MaxRequestBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = gateway.Value.MaxRequestHeadersTotalBytes;
        });
        services.AddOptions<HostOptions>().Configure<IOptions<GatewayOptions>>((host, gateway) =>
        {
            // Drain, then the silo's leave (with margin), must fit in the host's shutdown budget.
            var needed = TimeSpan.FromSeconds(gateway.Value.DrainTimeoutSeconds + 15);
            if (host.ShutdownTimeout < needed)
            {
                host.ShutdownTimeout = needed;
            }
        });

        services.AddHttpForwarder();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GatewayHttpInvoker>();
        services.TryAddSingleton<DrainCoordinator>();
        services.TryAddSingleton<IGatewayObserver, NullGatewayObserver>();
        services.TryAddSingleton<ServiceForwarder>();
        return services;
    }

    /// <summary>
    /// Registers the drain step of shutdown. Call after the silo is added (<c>UseOrleans</c>): hosted
    /// services stop in reverse order, so the gateway drains before the silo leaves the cluster.
    /// </summary>
    public static IServiceCollection AddGatewayDrain(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddHostedService<DrainHostedService>();
        return services;
    }

    /// <summary>
    /// Maps <c>/{service}/{**path}</c> to the <see cref="ServiceForwarder"/>, after every other route
    /// so that the gateway's own endpoints (<see cref="ReservedPaths"/>) win.
    /// </summary>
    public static IEndpointConventionBuilder MapGateway(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var forwarder = endpoints.ServiceProvider.GetRequiredService<ServiceForwarder>();
        return endpoints.Map("/{service}/{**path}", context =>
                forwarder.ForwardAsync(context, (string)context.Request.RouteValues["service"]!))
            .WithOrder(int.MaxValue)
            .WithDisplayName("Gateway forwarding");
    }
}
