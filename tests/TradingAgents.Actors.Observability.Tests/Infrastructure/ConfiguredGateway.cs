using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Routing;
using TradingAgents.Actors.Silo.Hosting;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.Infrastructure;

/// <summary>
/// A whole gateway (GatewayApp) of its own for a test that changes it: two named data-service
/// backends, a config.yaml the test may rewrite, the logs of the configuration and API in a collector.
/// </summary>
public sealed class ConfiguredGateway : IAsyncDisposable
{
    private readonly string _directory;

    private ConfiguredGateway(string directory, string configFile, DemoBackend first, DemoBackend second, WebApplication app, FakeLogCollector logs)
    {
        _directory = directory;
        ConfigFile = configFile;
        First = first;
        Second = second;
        App = app;
        Logs = logs;
        BaseAddress = new Uri(app.Urls.Single());
    }

    public DemoBackend First { get; }

    public DemoBackend Second { get; }

    public WebApplication App { get; }

    public FakeLogCollector Logs { get; }

    public string ConfigFile { get; }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Starts the backends and a gateway whose config.yaml is <paramref name="config"/> of them.</summary>
    public static async Task<ConfiguredGateway> StartAsync(Func<DemoBackend, DemoBackend, string> config, Action<IServiceCollection>? services = null)
    {
        var first = await DemoBackend.StartAsync(new DemoBackendOptions { Service = DemoServiceKind.DataService, InstanceName = "data-service-1" });
        var second = await DemoBackend.StartAsync(new DemoBackendOptions { Service = DemoServiceKind.DataService, InstanceName = "data-service-2" });
        var directory = Directory.CreateTempSubdirectory("ta-gateway-").FullName;
        var configFile = Path.Combine(directory, "config.yaml");
        await File.WriteAllTextAsync(configFile, config(first, second));
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Cluster:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:TradingAgents.Actors.Configuration"] = "Information",
        };
        var builder = GatewayApp.CreateBuilder(["--config", configFile], configuration => configuration.AddInMemoryCollection(settings));
        var logs = new FakeLogCollector();
        builder.Logging.AddProvider(new FakeLoggerProvider(logs));
        services?.Invoke(builder.Services);
        var app = GatewayApp.Build(builder);
        await app.StartAsync();
        return new ConfiguredGateway(directory, configFile, first, second, app, logs);
    }

    public static string Address(DemoBackend backend) => EndpointAddress.Format(backend.Host, backend.Port);

    /// <summary>Replaces config.yaml in one rename, as a ConfigMap update does.</summary>
    public async Task ReplaceConfigAsync(string yaml)
    {
        var staged = Path.Combine(_directory, "config.yaml.new");
        await File.WriteAllTextAsync(staged, yaml);
        File.Move(staged, ConfigFile, overwrite: true);
    }

    /// <summary>Sends <paramref name="requests"/> requests to data-service and returns the instance names that answered, in order.</summary>
    public async Task<List<string>> CallDataServiceAsync(int requests)
    {
        var names = new List<string>();
        for (var i = 0; i < requests; i++)
        {
            using var response = await Http.GetAsync(new Uri(BaseAddress, "/data-service/api/v1/data/stock?symbol=AAPL"));
            response.EnsureSuccessStatusCode();
            names.Add(response.Headers.GetValues(DemoBackend.InstanceHeader).Single());
        }

        return names;
    }

    /// <summary>Opens the circuit of <paramref name="backend"/> by reporting five failed calls to its instance grain.</summary>
    public async Task OpenCircuitAsync(DemoBackend backend)
    {
        var instance = App.Services.GetRequiredService<IGrainFactory>().GetGrain<IInstanceGrain>(InstanceKey.Format("data-service", Address(backend)));
        var generation = (await instance.GetDetailsAsync()).Status.BreakerGeneration;
        await instance.ReportOutcomesAsync(new OutcomeReport(
            "test-reporter",
            1,
            [.. Enumerable.Repeat(new OutcomeEntry(OutcomeKind.Failure, 1, TimeSpan.FromMilliseconds(3), generation, Error: "HTTP 500 (test)"), 5)]));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await First.DisposeAsync();
        await Second.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
