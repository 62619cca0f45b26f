using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TradingAgents.Actors.Routing;
using TradingAgents.Actors.Silo.Hosting;

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
        services.AddOptions<GatewayOptions>().BindChecked(configuration.GetSection(GatewayOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>());
        // Read unvalidated: the host resolves these options before start-up validation runs, and a bad
        // Gateway section must fail there with every other bad key, not here with only its own.
        services.AddOptions<KestrelServerOptions>().Configure(kestrel =>
        {
            var gateway = Unvalidated(configuration);
            if (gateway.MaxRequestBodyBytes > 0)
            {
                kestrel.Limits.MaxRequestBodySize = gateway.MaxRequestBodyBytes;
            }

            if (gateway.MaxRequestHeadersTotalBytes > 0)
            {
                kestrel.Limits.MaxRequestHeadersTotalSize = gateway.MaxRequestHeadersTotalBytes;
            }
        });
        services.AddOptions<HostOptions>().Configure(host =>
        {
            // Drain, then the silo's leave (with margin), must fit in the host's shutdown budget.
            var needed = TimeSpan.FromSeconds(Math.Max(0, Unvalidated(configuration).DrainTimeoutSeconds) + 15);
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
        services.TryAddSingleton<IRouterPickObserver, DiscoveryPickObserver>();
        services.AddServiceRouters(configuration);
        return services;
    }

    private static GatewayOptions Unvalidated(IConfiguration configuration)
    {
        // A value that does not even convert keeps its default here; options validation reports it at start-up.
        var options = new GatewayOptions();
        CheckedBinding.Bind(configuration.GetSection(GatewayOptions.SectionName), options);
        return options;
    }

    /// <summary>
    /// Registers the drain step of shutdown and the loop that reports batched successes. Call after
    /// the silo is added (<c>UseOrleans</c>): hosted services stop in reverse order, so the gateway
    /// drains and sends its last batch before the silo leaves the cluster.
    /// </summary>
    public static IServiceCollection AddGatewayDrain(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        // Hosted services stop in reverse order: the drain ends (in StoppingAsync, before any stop), the
        // routers send their last outcomes and held-back log counts are written, then (registered earlier)
        // the silo leaves.
        services.TryAddSingleton<RouterWarmup>();
        services.AddHostedService(static provider => provider.GetRequiredService<RouterWarmup>());
        services.AddHostedService<DrainHostedService>();
        services.AddHostedService<GatewayStopService>();
        return services;
    }

    /// <summary>
    /// Maps <c>/{service}/{**path}</c> to the <see cref="ServiceForwarder"/>, after every other route
    /// so that the gateway's own endpoints (<see cref="ReservedPaths"/>) win.
    /// </summary>
    public static IEndpointConventionBuilder MapGateway(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        // Resolved per request, not here: resolving reads options, which must fail at start-up
        // validation with every other bad key rather than while the app is being built.
        return endpoints.Map("/{service}/{**path}", static context =>
                context.RequestServices.GetRequiredService<ServiceForwarder>().ForwardAsync(context, (string)context.Request.RouteValues["service"]!))
            .WithOrder(int.MaxValue)
            .WithDisplayName("Gateway forwarding");
    }
}
