using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Diagnostics;
using TradingAgents.Actors.Silo.Gateway;
using TradingAgents.Actors.Silo.Hosting;

namespace TradingAgents.Actors.Silo.Observability;

/// <summary>Prometheus metrics for the gateway: the product's meter, Orleans' and ASP.NET Core's.</summary>
public static class ObservabilityExtensions
{
    /// <summary>Meters exported besides the product's own.</summary>
    public static IReadOnlyList<string> FrameworkMeters { get; } =
    [
        "Microsoft.Orleans",
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
        "System.Net.Http",
    ];

    /// <summary>
    /// Bucket bounds (seconds) of <c>service_call_duration_seconds</c>: from a 5 ms cache read up to
    /// analysis-engine's 300 s timeout. The SDK's default bounds are for milliseconds.
    /// </summary>
    public static IReadOnlyList<double> CallDurationBuckets { get; } =
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    /// <summary>
    /// Adds OpenTelemetry metrics with the Prometheus exporter, the gateway's call instruments and
    /// failure window (replacing the no-op <see cref="IGatewayObserver"/>), and the <c>Metrics</c>
    /// options (validated at start-up). Counters get <c>_total</c> and second-valued instruments
    /// <c>_seconds</c>; the exporter's scope labels and <c>target_info</c> are off, so series carry
    /// only their own labels plus Prometheus' <c>job</c> and <c>instance</c> target labels.
    /// </summary>
    public static IServiceCollection AddTradingAgentsObservability(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<MetricsOptions>().BindChecked(configuration.GetSection(MetricsOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, MetricsPortStartupFilter>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CallFailureWindow>();
        services.TryAddSingleton<GatewayCallInstruments>();
        services.TryAddSingleton<ConfigurationReloadStatus>();
        services.TryAddSingleton<ConfigurationReloadInstruments>();
        services.TryAddSingleton<Client.Metrics.ClientInstruments>();
        services.Replace(ServiceDescriptor.Singleton<IGatewayObserver, MetricsGatewayObserver>());

        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(DiscoveryInstruments.MeterName)
            .AddMeter([.. FrameworkMeters])
            .AddView(Client.Metrics.ClientInstruments.CallDurationName, new ExplicitBucketHistogramConfiguration { Boundaries = [.. CallDurationBuckets] })
            .AddPrometheusExporter(options =>
            {
                options.ScrapeEndpointPath = MetricsOptions.Path;
                options.ScopeInfoEnabled = false;

                // Scrapes come every 15-30 s; a cached response would hide what just happened.
                options.ScrapeResponseCacheDurationMilliseconds = 0;
                options.TargetInfoEnabled = false;
            }));
        return services;
    }

    /// <summary>
    /// Maps <c>/metrics</c>. It answers on every address; with <c>Metrics:Port</c> set, that port
    /// serves it too (and nothing else).
    /// </summary>
    public static IEndpointConventionBuilder MapTradingAgentsObservability(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        // Observable instruments report only once constructed; nothing else asks for these.
        _ = endpoints.ServiceProvider.GetRequiredService<ConfigurationReloadInstruments>();
        return endpoints.MapPrometheusScrapingEndpoint(MetricsOptions.Path);
    }
}
