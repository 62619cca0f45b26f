using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace TradingAgents.Actors.Configuration;

/// <summary>Loads the seed's <c>config.yaml</c> and registers <see cref="ServiceDiscoveryOptions"/> read from it.</summary>
public static class ServiceDiscoveryConfigurationExtensions
{
    /// <summary>Configuration key naming the YAML file (environment <c>ServiceDiscovery__ConfigFile</c>, command line <c>--config</c>).</summary>
    public const string ConfigFileKey = "ServiceDiscovery:ConfigFile";

    /// <summary>Environment variable naming the YAML file when <see cref="ConfigFileKey"/> is not set.</summary>
    public const string ConfigFileEnvironmentVariable = "SERVICE_DISCOVERY_CONFIG";

    /// <summary>Switch mappings for <c>AddCommandLine</c> so that <c>--config &lt;path&gt;</c> sets <see cref="ConfigFileKey"/>.</summary>
    public static IDictionary<string, string> CommandLineSwitchMappings => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--config"] = ConfigFileKey,
    };

    /// <summary>
    /// Adds a YAML file such as the seed's <c>config.yaml</c>. Its keys become configuration paths
    /// (<c>service_discovery:load_balancing:algorithm</c>, list entries as <c>endpoints:0</c>), so sources
    /// added later, such as environment variables, override single keys. A reload that finds a YAML
    /// syntax error keeps the keys last read, and <see cref="AddServiceDiscoveryOptions"/> reports it as
    /// a rejected reload. In Kubernetes, ConfigMap
    /// files are swapped through symbolic links that file-system events miss: set
    /// <c>DOTNET_USE_POLLING_FILE_WATCHER=true</c> there for <paramref name="reloadOnChange"/> to see edits.
    /// </summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="path">Absolute path, or a path relative to the builder's base path.</param>
    /// <param name="optional">Whether a missing file is allowed.</param>
    /// <param name="reloadOnChange">Whether to reload when the file changes.</param>
    public static IConfigurationBuilder AddServiceDiscoveryYaml(this IConfigurationBuilder builder, string path, bool optional, bool reloadOnChange)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return builder.Add<ServiceDiscoveryYamlSource>(source =>
        {
            source.Path = path;
            source.Optional = optional;
            source.ReloadOnChange = reloadOnChange;
            source.ResolveFileProvider();
        });
    }

    /// <summary>
    /// Registers <see cref="IOptions{TOptions}"/>, <see cref="IOptionsMonitor{TOptions}"/> and
    /// <see cref="IOptionsSnapshot{TOptions}"/> of <see cref="ServiceDiscoveryOptions"/> read from the
    /// <c>service_discovery</c> section of <paramref name="configuration"/> by
    /// <see cref="ServiceDiscoveryConfigurationReader"/>, refreshed when the configuration reloads, and
    /// validated at start-up: a host whose configuration has errors fails to start with one message
    /// listing all of them. A later reload with errors (or a YAML syntax error) is rejected and logged
    /// once; the last valid configuration stays in force and <see cref="ConfigurationReloadStatus"/>
    /// (registered here) says so until a good reload. A good reload logs what changed. Calling it again is harmless.
    /// </summary>
    public static IServiceCollection AddServiceDiscoveryOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.TryAddSingleton<ConfigurationReloadStatus>();
        services.TryAddSingleton(provider => new ServiceDiscoveryOptionsSetup(
            configuration,
            provider.GetRequiredService<ConfigurationReloadStatus>(),
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetService<ILogger<ServiceDiscoveryOptionsSetup>>() ?? NullLogger<ServiceDiscoveryOptionsSetup>.Instance));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<ServiceDiscoveryOptions>, ServiceDiscoveryOptionsSetup>(
            static provider => provider.GetRequiredService<ServiceDiscoveryOptionsSetup>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ServiceDiscoveryOptions>, ServiceDiscoveryOptionsSetup>(
            static provider => provider.GetRequiredService<ServiceDiscoveryOptionsSetup>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOptionsChangeTokenSource<ServiceDiscoveryOptions>>(
            new ConfigurationChangeTokenSource<ServiceDiscoveryOptions>(configuration)));
        services.AddOptions<ServiceDiscoveryOptions>().ValidateOnStart();
        return services;
    }

    /// <summary>
    /// The YAML file to load: <see cref="ConfigFileKey"/> from <paramref name="configuration"/>
    /// (<c>ServiceDiscovery__ConfigFile</c>, or <c>--config</c> with <see cref="CommandLineSwitchMappings"/>),
    /// else the <c>SERVICE_DISCOVERY_CONFIG</c> environment variable; null when neither is set.
    /// </summary>
    public static string? ResolveConfigPath(IConfiguration configuration) =>
        ResolveConfigPath(configuration, Environment.GetEnvironmentVariable);

    internal static string? ResolveConfigPath(IConfiguration configuration, Func<string, string?> getEnvironmentVariable)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var path = configuration[ConfigFileKey];
        if (string.IsNullOrWhiteSpace(path))
        {
            path = getEnvironmentVariable(ConfigFileEnvironmentVariable);
        }

        return string.IsNullOrWhiteSpace(path) ? null : path.Trim();
    }
}
