using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Hosting;
using TradingAgents.Actors.Silo.Api;
using TradingAgents.Actors.Silo.Gateway;
using TradingAgents.Actors.Silo.Observability;
using TradingAgents.Actors.Silo.StatusPage;

namespace TradingAgents.Actors.Silo.Hosting;

/// <summary>
/// Builds the gateway: an ASP.NET Core app that co-hosts the Orleans silo, forwards
/// <c>/{service}/...</c>, and serves <c>/health</c>, <c>/ready</c>, the discovery API and the dashboard.
/// <see cref="CreateBuilder"/> and <see cref="Build"/> are separate so that tests (and other hosts)
/// can change services in between.
/// </summary>
public static partial class GatewayApp
{
    /// <summary>Where Kestrel listens when nothing else (<c>--urls</c>, <c>ASPNETCORE_URLS</c>, <c>ASPNETCORE_HTTP_PORTS</c>, <c>Kestrel:Endpoints</c>) says.</summary>
    public const string DefaultUrl = "http://127.0.0.1:8080";

    /// <summary>Category of the gateway's last line.</summary>
    internal const string StopLogCategory = "TradingAgents.Actors.Gateway";

    // Not DemoMode.Switch: a build without the demo has no DemoMode.
    private const string DemoSwitch = "--demo";

    // Lowest-precedence defaults: Orleans and YARP log every routine step at Information.
    private static readonly Dictionary<string, string?> Defaults = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Orleans"] = "Warning",
        // Its first check after start-up reports a bogus multi-minute stall.
        ["Logging:LogLevel:Orleans.Runtime.Watchdog"] = "Error",
        ["Logging:LogLevel:Yarp"] = "Warning",
        // One warning with a stack trace per failed attempt, retried or not: the forwarder logs retried
        // attempts at Debug and the last failure of a request as one line (MetricsGatewayObserver).
        ["Logging:LogLevel:Yarp.ReverseProxy.Forwarder.HttpForwarder"] = "Error",
        // Timestamps on every console line (UTC, ISO 8601); Logging:Console:FormatterName=json for JSON lines.
        // Named explicitly: without a formatter name the console logger overwrites the formatter's
        // options with its own obsolete ones, timestamps included.
        ["Logging:Console:FormatterName"] = "simple",
        ["Logging:Console:FormatterOptions:TimestampFormat"] = "yyyy-MM-ddTHH:mm:ss.fffZ ",
        ["Logging:Console:FormatterOptions:UseUtcTimestamp"] = "true",
        ["Logging:LogLevel:Polly"] = "Warning",
        // "Hosting failed to start" with a stack trace: RunAsync reports a failed start as one message.
        // Critical keeps the host's report of a background service that stopped it.
        ["Logging:LogLevel:Microsoft.Extensions.Hosting.Internal.Host"] = "Critical",
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
    };

    /// <summary>
    /// Creates the builder: configuration from appsettings, the service-discovery YAML file
    /// (<c>--config</c> or <c>SERVICE_DISCOVERY_CONFIG</c>), environment variables and the command line,
    /// then <paramref name="configureConfiguration"/> (tests add in-memory overrides there); the silo
    /// and every gateway service.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args, Action<IConfigurationBuilder>? configureConfiguration = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = WebApplication.CreateBuilder(args);
        IConfigurationBuilder configuration = builder.Configuration;
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Defaults });
        configuration.AddCommandLine(args, ServiceDiscoveryConfigurationExtensions.CommandLineSwitchMappings);
        AddServiceDiscoveryFile(builder.Configuration);
        configureConfiguration?.Invoke(builder.Configuration);

        if (!HasListenAddress(builder.Configuration))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Services.AddSingleton<LogSilencer>();
        builder.Services.AddSingleton<IOptionsChangeTokenSource<LoggerFilterOptions>>(static sp => sp.GetRequiredService<LogSilencer>());
        builder.Services.AddSingleton<IPostConfigureOptions<LoggerFilterOptions>>(static sp => sp.GetRequiredService<LogSilencer>());
        builder.Services.ConfigureHttpJsonOptions(options => GatewayJson.Configure(options.SerializerOptions));
        builder.Services.AddProblemDetails();
        builder.Services.AddServiceDiscoveryOptions(builder.Configuration);
        builder.Services.AddOptions<DashboardAccessOptions>().BindChecked(builder.Configuration.GetSection(DashboardAccessOptions.SectionName));
        builder.Services.AddOptions<ManagementOptions>().BindChecked(builder.Configuration.GetSection(ManagementOptions.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ManagementOptions>, ManagementOptionsValidator>();
        builder.Services.AddSingleton<IStartupFilter, ManagementPortStartupFilter>();
        builder.Services.AddGateway(builder.Configuration);
        builder.Services.AddTradingAgentsObservability(builder.Configuration);
        builder.UseOrleans(silo => silo.AddGatewaySilo(builder.Configuration));

        // After UseOrleans: hosted services stop in reverse order, so draining ends before the silo stops.
        builder.Services.AddGatewayDrain();
        return builder;
    }

    /// <summary>Builds the app and maps its endpoints.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var app = builder.Build();
        app.UseMiddleware<DrainingConnectionClose>();
        app.UseMiddleware<OperatorAccessMiddleware>();
        // A person who opens the gateway's root finds the status page.
        app.MapGet("/", static () => Results.Redirect(DiscoveryStatusPageExtensions.PagePath)).ExcludeFromDescription();
        app.MapGatewayHealth();
        app.MapDiscoveryApi();
        app.MapDiscoveryStatusPage();
        app.MapTradingAgentsObservability();
        app.MapOrleansDashboard(routePrefix: "/dashboard");
        app.MapGateway();
        return app;
    }

    /// <summary>Runs the gateway until it is stopped (SIGTERM, Ctrl+C). With <c>--demo</c>, also the demo backends.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Contains(DemoSwitch, StringComparer.Ordinal))
        {
#if TRADINGAGENTS_DEMO
            return await DemoMode.RunAsync(args).ConfigureAwait(false);
#else
            await Console.Error.WriteLineAsync($"{DemoSwitch}: this build has no demo backends (built with -p:IncludeDemo=false, as the production image is); run it from a source checkout.").ConfigureAwait(false);
            return 2;
#endif
        }

        WebApplication app;
        try
        {
            app = Build(CreateBuilder(args));
        }
        catch (Exception ex)
        {
            // A missing, unreadable or malformed configuration file.
            return await StartupFailure.ReportAsync(ex).ConfigureAwait(false);
        }

        await using (app.ConfigureAwait(false))
        {
            if (await TryStartAsync(app).ConfigureAwait(false) is { } failed)
            {
                return failed;
            }

            ReportStopped(app, await WaitForShutdownAsync(app).ConfigureAwait(false));
            return 0;
        }
    }

    /// <summary>
    /// Waits until <paramref name="app"/> has stopped after SIGTERM or Ctrl+C (drain, the silo leaving
    /// its cluster, the server closing) and returns how long the stop took from the signal.
    /// </summary>
    internal static async Task<TimeSpan> WaitForShutdownAsync(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var time = app.Services.GetRequiredService<TimeProvider>();
        var stopping = 0L;
        using (app.Lifetime.ApplicationStopping.Register(() => Interlocked.Exchange(ref stopping, time.GetTimestamp())))
        {
            await app.WaitForShutdownAsync().ConfigureAwait(false);
        }

        var began = Interlocked.Read(ref stopping);
        return began == 0 ? TimeSpan.Zero : time.GetElapsedTime(began);
    }

    /// <summary>
    /// The last line of a clean stop, so that an operator reading the log after "Drained" knows the
    /// process ended by itself and did not hang or get killed.
    /// </summary>
    internal static void ReportStopped(WebApplication app, TimeSpan took)
    {
        ArgumentNullException.ThrowIfNull(app);
        LogStopped(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(StopLogCategory), took.TotalSeconds);
    }

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "Stopped: the gateway shut down cleanly in {Seconds:0.0} s")]
    private static partial void LogStopped(ILogger logger, double seconds);

    /// <summary>
    /// Starts <paramref name="app"/>; when that fails (invalid configuration, a port in use, Redis
    /// unreachable, ...), reports the failure as one message on standard error, stops what did start
    /// without its shutdown noise, and returns the exit code. Null when the app runs.
    /// </summary>
    internal static async Task<int?> TryStartAsync(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var silencer = app.Services.GetRequiredService<LogSilencer>();
        try
        {
            silencer.BeginStart();
            await app.StartAsync().ConfigureAwait(false);
            silencer.EndStart();
            return null;
        }
        catch (Exception ex)
        {
            var exitCode = await StartupFailure.ReportAsync(ex).ConfigureAwait(false);

            // What started (the silo) now stops non-gracefully and says so at length; the message
            // above is all the operator needs.
            silencer.Silence();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await app.StopAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception stopError) when (stopError is OperationCanceledException or ObjectDisposedException or InvalidOperationException or AggregateException)
            {
                // Stopping after a failed start is best effort; the process is about to exit.
            }

            return exitCode;
        }
    }


    private static void AddServiceDiscoveryFile(ConfigurationManager configuration)
    {
        var path = ServiceDiscoveryConfigurationExtensions.ResolveConfigPath(configuration);
        if (path is null)
        {
            return;
        }

        // A file named explicitly must exist: a typo must not start a gateway with no services.
        configuration.AddServiceDiscoveryYaml(Path.GetFullPath(path), optional: false, reloadOnChange: true);

        // Environment variables and the command line still override single keys of the file.
        var sources = ((IConfigurationBuilder)configuration).Sources;
        var yaml = sources[^1];
        var firstEnvironment = sources.ToList().FindIndex(s => s is EnvironmentVariablesConfigurationSource);
        if (firstEnvironment >= 0)
        {
            sources.RemoveAt(sources.Count - 1);
            sources.Insert(firstEnvironment, yaml);
        }
    }

    private static bool HasListenAddress(IConfiguration configuration) =>
        !string.IsNullOrEmpty(configuration["urls"])
        || !string.IsNullOrEmpty(configuration["http_ports"])
        || !string.IsNullOrEmpty(configuration["https_ports"])
        || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();
}
