using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TradingAgents.Actors.Configuration;

namespace TradingAgents.Actors.Tests.Configuration;

/// <summary>Hot reload of a real config.yaml through the file watcher: what is logged, kept and recorded.</summary>
public sealed class ConfigurationReloadTests : IDisposable
{
    private const int ReloadedEvent = 1002;
    private const int RejectedEvent = 1001;
    private static readonly TimeSpan ReloadTimeout = TimeSpan.FromSeconds(20);
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    private const string Initial = """
        service_discovery:
          max_retries: 3
          circuit_breaker:
            failure_threshold: 5
          services:
            data-service:
              port: 8003
              endpoints:
                - 127.0.0.1:8003
                - 127.0.0.1:8013
            llm-service:
              port: 8004
              timeout: 60
        """;

    private readonly YamlFiles _files = new();
    private readonly FakeLogCollector _logs = new();
    private readonly FakeTimeProvider _time = new(Start);

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Reload_ServicesEndpointsAndSettingsChanged_LogsOneLineNamingEachChange()
    {
        var path = _files.Write(Initial);
        using var provider = BuildProvider(path);
        var monitor = provider.GetRequiredService<IOptionsMonitor<ServiceDiscoveryOptions>>();
        Assert.Equal(3, monitor.CurrentValue.MaxRetries);

        _time.Advance(TimeSpan.FromMinutes(5));
        await ReplaceAndWaitAsync(path, monitor, """
            service_discovery:
              max_retries: 5
              circuit_breaker:
                failure_threshold: 7
              services:
                data-service:
                  port: 8003
                  endpoints:
                    - 127.0.0.1:8013
                    - { address: 127.0.0.1:8023, zone: zone-b }
                news-service:
                  port: 8007
            """, options => options.MaxRetries == 5);

        var line = Assert.Single(_logs.GetSnapshot(), r => r.Id.Id == ReloadedEvent);
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Equal(
            "Configuration reloaded: services added: news-service; services removed: llm-service; "
            + "data-service endpoints +127.0.0.1:8023 (zone=zone-b) -127.0.0.1:8003; "
            + "settings changed: circuit_breaker:failure_threshold 5 -> 7, max_retries 3 -> 5",
            line.Message);
        Assert.DoesNotContain(_logs.GetSnapshot(), r => r.Id.Id == RejectedEvent);
        var state = provider.GetRequiredService<ConfigurationReloadStatus>().Current;
        Assert.Equal(Start.AddMinutes(5), state.LoadedAt);
        Assert.True(state.LastReloadSucceeded);
        Assert.Equal(path, state.File);
    }

    [Fact]
    public async Task Reload_YamlSyntaxError_KeepsLastGoodConfigurationAndRecordsFailureUntilAGoodReload()
    {
        var path = _files.Write(Initial);
        using var provider = BuildProvider(path);
        var monitor = provider.GetRequiredService<IOptionsMonitor<ServiceDiscoveryOptions>>();
        var status = provider.GetRequiredService<ConfigurationReloadStatus>();
        Assert.Equal(Start, status.Current.LoadedAt);

        _time.Advance(TimeSpan.FromMinutes(1));
        await ReplaceAndWaitAsync(path, monitor, "service_discovery:\n  max_retries: 3\n    services: x\n", _ => status.Current.ReloadFailure is not null);

        Assert.Equal(3, monitor.CurrentValue.MaxRetries);
        Assert.Equal(["127.0.0.1:8003", "127.0.0.1:8013"], monitor.CurrentValue.Services["data-service"].Endpoints.Select(e => $"{e.Host}:{e.Port}"));
        var failed = status.Current;
        Assert.False(failed.LastReloadSucceeded);
        Assert.Equal(1, failed.ReloadFailures);
        Assert.Equal(Start, failed.LoadedAt);
        Assert.Equal(Start.AddMinutes(1), failed.ReloadFailure!.At);
        Assert.Equal("YAML syntax error: config.yaml: line 3, column 13: While scanning a plain scalar value, found invalid mapping.", failed.ReloadFailure.Reason);
        var error = Assert.Single(_logs.GetSnapshot(), r => r.Id.Id == RejectedEvent);
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.StartsWith("Configuration reload rejected, keeping the configuration read at 2026-11-30T08:00:00.0000000+00:00: 1 problem(s): config.yaml: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Null(error.Exception);

        _time.Advance(TimeSpan.FromMinutes(1));
        await ReplaceAndWaitAsync(path, monitor, Initial.Replace("max_retries: 3", "max_retries: 4", StringComparison.Ordinal), options => options.MaxRetries == 4);

        var recovered = status.Current;
        Assert.True(recovered.LastReloadSucceeded);
        Assert.Null(recovered.ReloadFailure);
        Assert.Equal(1, recovered.ReloadFailures);
        Assert.Equal(Start.AddMinutes(2), recovered.LoadedAt);
        var line = Assert.Single(_logs.GetSnapshot(), r => r.Id.Id == ReloadedEvent);
        Assert.Equal(
            "Configuration reloaded: settings changed: max_retries 3 -> 4 (the reload failure of 2026-11-30T08:01:00.0000000+00:00 is cleared)",
            line.Message);
        Assert.Single(_logs.GetSnapshot(), r => r.Id.Id == RejectedEvent);
    }

    [Fact]
    public async Task Reload_InvalidValues_LogsEveryBadKeyOnceAndKeepsLastGoodConfiguration()
    {
        var path = _files.Write(Initial);
        using var provider = BuildProvider(path);
        var monitor = provider.GetRequiredService<IOptionsMonitor<ServiceDiscoveryOptions>>();
        var status = provider.GetRequiredService<ConfigurationReloadStatus>();

        await ReplaceAndWaitAsync(
            path,
            monitor,
            Initial.Replace("max_retries: 3", "max_retries: -1", StringComparison.Ordinal).Replace("timeout: 60", "timeout: soon", StringComparison.Ordinal),
            _ => status.Current.ReloadFailure is not null);

        Assert.Equal(3, monitor.CurrentValue.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(60), monitor.CurrentValue.GetTimeout("llm-service"));
        var failure = status.Current.ReloadFailure!;
        Assert.Equal(2, failure.Errors.Count);
        Assert.StartsWith("service_discovery:max_retries: -1", failure.Errors[0], StringComparison.Ordinal);
        Assert.StartsWith("service_discovery:services:llm-service:timeout: ", failure.Errors[1], StringComparison.Ordinal);
        Assert.Equal($"2 errors, first: {failure.Errors[0]}", failure.Reason);
        var error = Assert.Single(_logs.GetSnapshot(), r => r.Id.Id == RejectedEvent);
        Assert.Contains(failure.Errors[0] + "; " + failure.Errors[1], error.Message, StringComparison.Ordinal);

        // Options built again for the same reading (a snapshot, another monitor read) log nothing more.
        _ = provider.CreateScope().ServiceProvider.GetRequiredService<IOptionsSnapshot<ServiceDiscoveryOptions>>().Value;
        Assert.Single(_logs.GetSnapshot(), r => r.Id.Id == RejectedEvent);
    }

    [Fact]
    public async Task Reload_SameInvalidFileReadAgain_LogsAndCountsOnceButADifferentBadEditAgain()
    {
        var path = _files.Write(Initial);
        using var provider = BuildProvider(path);
        var monitor = provider.GetRequiredService<IOptionsMonitor<ServiceDiscoveryOptions>>();
        var status = provider.GetRequiredService<ConfigurationReloadStatus>();
        var invalid = Initial.Replace("max_retries: 3", "max_retries: -1", StringComparison.Ordinal);
        await ReplaceAndWaitAsync(path, monitor, invalid, _ => status.Current.ReloadFailure is not null);

        // One cp raised two file-change events: the second reading is the same rejection.
        await ReplaceAndWaitAsync(path, monitor, invalid, _ => true);

        Assert.Single(_logs.GetSnapshot(), r => r.Id.Id == RejectedEvent);
        Assert.Equal(1, status.Current.ReloadFailures);
        Assert.Equal(3, monitor.CurrentValue.MaxRetries);

        await ReplaceAndWaitAsync(
            path,
            monitor,
            Initial.Replace("max_retries: 3", "max_retries: -2", StringComparison.Ordinal),
            _ => status.Current.ReloadFailure?.Errors[0].Contains("-2", StringComparison.Ordinal) == true);

        Assert.Equal(2, _logs.GetSnapshot().Count(r => r.Id.Id == RejectedEvent));
        Assert.Equal(2, status.Current.ReloadFailures);
        Assert.Equal(3, monitor.CurrentValue.MaxRetries);
    }

    private ServiceProvider BuildProvider(string path)
    {
        var configuration = new ConfigurationBuilder().AddServiceDiscoveryYaml(path, optional: false, reloadOnChange: true).Build();
        var provider = new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(new FakeLoggerProvider(_logs)))
            .AddSingleton<TimeProvider>(_time)
            .AddServiceDiscoveryOptions(configuration)
            .BuildServiceProvider();

        // What ValidateOnStart does in a host: the first reading happens before any reload.
        _ = provider.GetRequiredService<IOptionsMonitor<ServiceDiscoveryOptions>>().CurrentValue;
        return provider;
    }

    /// <summary>Replaces the file in one rename, as a ConfigMap update does, and waits for the reading that satisfies <paramref name="done"/>.</summary>
    private async Task ReplaceAndWaitAsync(string path, IOptionsMonitor<ServiceDiscoveryOptions> monitor, string yaml, Func<ServiceDiscoveryOptions, bool> done)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = monitor.OnChange(options =>
        {
            if (done(options))
            {
                reached.TrySetResult();
            }
        });
        var staged = _files.Write(yaml, "config.yaml.new");
        File.Move(staged, path, overwrite: true);
        await reached.Task.WaitAsync(ReloadTimeout);
    }
}
