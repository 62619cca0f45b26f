using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TradingAgents.Actors.Configuration;

namespace TradingAgents.Actors.Tests.Configuration;

public sealed class ServiceDiscoveryConfigurationExtensionsTests : IDisposable
{
    private static readonly TimeSpan ReloadTimeout = TimeSpan.FromSeconds(20);
    private readonly YamlFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void AddServiceDiscoveryOptions_SeedFile_OptionsAndMonitorHaveSeedValues()
    {
        using var provider = BuildProvider(_files.Write(SeedConfig.Yaml), reloadOnChange: false, out _);

        Assert.Equal(TimeSpan.FromSeconds(300), provider.GetRequiredService<IOptions<ServiceDiscoveryOptions>>().Value.GetTimeout("analysis-engine"));
        Assert.Equal(4, provider.GetRequiredService<IOptionsMonitor<ServiceDiscoveryOptions>>().CurrentValue.Services.Count);
    }

    [Fact]
    public async Task AddServiceDiscoveryOptions_FileRewritten_MonitorReflectsChange()
    {
        var path = _files.Write(SeedConfig.Yaml);
        using var provider = BuildProvider(path, reloadOnChange: true, out _);
        var monitor = provider.GetRequiredService<IOptionsMonitor<ServiceDiscoveryOptions>>();
        Assert.Equal(3, monitor.CurrentValue.MaxRetries);
        var changed = new TaskCompletionSource<ServiceDiscoveryOptions>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = monitor.OnChange(options =>
        {
            if (options.MaxRetries == 6)
            {
                changed.TrySetResult(options);
            }
        });

        await File.WriteAllTextAsync(path, SeedConfig.Yaml.Replace("max_retries: 3", "max_retries: 6", StringComparison.Ordinal));
        var reloaded = await changed.Task.WaitAsync(ReloadTimeout);

        Assert.Equal(6, reloaded.MaxRetries);
        Assert.Equal(6, monitor.CurrentValue.MaxRetries);
    }

    [Fact]
    public async Task AddServiceDiscoveryOptions_ReloadWithErrors_KeepsLastValidOptions()
    {
        var path = _files.Write(SeedConfig.Yaml);
        using var provider = BuildProvider(path, reloadOnChange: true, out _);
        var monitor = provider.GetRequiredService<IOptionsMonitor<ServiceDiscoveryOptions>>();
        Assert.Equal(3, monitor.CurrentValue.MaxRetries);
        var changed = new TaskCompletionSource<ServiceDiscoveryOptions>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = monitor.OnChange(options => changed.TrySetResult(options));

        await File.WriteAllTextAsync(path, SeedConfig.Yaml.Replace("max_retries: 3", "max_retries: -6", StringComparison.Ordinal).Replace("llm-service:", "llm_service:", StringComparison.Ordinal));
        var reloaded = await changed.Task.WaitAsync(ReloadTimeout);

        Assert.Equal(3, reloaded.MaxRetries);
        Assert.Equal(3, monitor.CurrentValue.MaxRetries);
        Assert.Contains("llm-service", monitor.CurrentValue.Services.Keys);
    }

    [Fact]
    public async Task HostStart_BadConfig_FailsWithEveryErrorInOneMessage()
    {
        var path = _files.Write("""
            service_discovery:
              max_retries: -1
              circuit_breaker:
                failure_treshold: 5
              services:
                data-service:
                  port: 0
                  endpoints:
                    - localhost
            """);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddServiceDiscoveryYaml(path, optional: false, reloadOnChange: false);
        builder.Services.AddServiceDiscoveryOptions(builder.Configuration);
        using var host = builder.Build();

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(
            string.Join(
                Environment.NewLine,
                "The service_discovery configuration has 4 error(s):",
                "service_discovery:max_retries: -1 must be at least 0",
                "service_discovery:circuit_breaker:failure_treshold: unknown key; did you mean 'failure_threshold'? (expected one of failure_threshold, recovery_timeout, half_open_max_calls, max_retry_after, quorum)",
                "service_discovery:services:data-service:port: 0 is not in 1..65535",
                "service_discovery:services:data-service:endpoints:0: 'localhost' is not host:port"),
            exception.Message);
    }

    [Fact]
    public async Task HostStart_ValidConfig_Starts()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddServiceDiscoveryYaml(_files.Write(SeedConfig.Yaml), optional: false, reloadOnChange: false);
        builder.Services.AddServiceDiscoveryOptions(builder.Configuration);
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();

        Assert.Equal(3, host.Services.GetRequiredService<IOptions<ServiceDiscoveryOptions>>().Value.MaxRetries);
    }

    [Fact]
    public void AddServiceDiscoveryOptions_RegisteredTwice_ValidatesOnce()
    {
        var configuration = _files.Load("service_discovery:\n  max_retries: -1\n");
        var services = new ServiceCollection().AddServiceDiscoveryOptions(configuration).AddServiceDiscoveryOptions(configuration);
        using var provider = services.BuildServiceProvider();

        Assert.Single(provider.GetServices<IConfigureOptions<ServiceDiscoveryOptions>>());
        Assert.Single(provider.GetServices<IValidateOptions<ServiceDiscoveryOptions>>());
        Assert.Single(provider.GetServices<IOptionsChangeTokenSource<ServiceDiscoveryOptions>>());
        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ServiceDiscoveryOptions>>().Value);
        Assert.Equal(
            "The service_discovery configuration has 1 error(s):" + Environment.NewLine + "service_discovery:max_retries: -1 must be at least 0",
            exception.Message);
    }

    [Fact]
    public void ResolveConfigPath_KeySet_ReturnsKey()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new(ServiceDiscoveryConfigurationExtensions.ConfigFileKey, "/etc/sd/config.yaml")])
            .Build();

        Assert.Equal("/etc/sd/config.yaml", ServiceDiscoveryConfigurationExtensions.ResolveConfigPath(configuration, static _ => "/other.yaml"));
    }

    [Fact]
    public void ResolveConfigPath_CommandLineConfigSwitch_ReturnsPath()
    {
        var configuration = new ConfigurationBuilder()
            .AddCommandLine(["--config", "/srv/config.yaml"], ServiceDiscoveryConfigurationExtensions.CommandLineSwitchMappings)
            .Build();

        Assert.Equal("/srv/config.yaml", ServiceDiscoveryConfigurationExtensions.ResolveConfigPath(configuration, static _ => null));
    }

    [Fact]
    public void ResolveConfigPath_OnlyEnvironmentVariable_ReturnsIt()
    {
        var configuration = new ConfigurationBuilder().Build();

        var path = ServiceDiscoveryConfigurationExtensions.ResolveConfigPath(
            configuration,
            static name => name == "SERVICE_DISCOVERY_CONFIG" ? "/config/config.yaml" : null);

        Assert.Equal("/config/config.yaml", path);
    }

    [Fact]
    public void ResolveConfigPath_NothingSet_ReturnsNull() =>
        Assert.Null(ServiceDiscoveryConfigurationExtensions.ResolveConfigPath(new ConfigurationBuilder().Build(), static _ => null));

    private static ServiceProvider BuildProvider(string path, bool reloadOnChange, out IConfigurationRoot configuration)
    {
        configuration = new ConfigurationBuilder().AddServiceDiscoveryYaml(path, optional: false, reloadOnChange).Build();
        return new ServiceCollection().AddLogging().AddServiceDiscoveryOptions(configuration).BuildServiceProvider();
    }
}
