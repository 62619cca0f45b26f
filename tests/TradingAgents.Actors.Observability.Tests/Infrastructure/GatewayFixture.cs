using TradingAgents.Actors.Routing;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Silo.Hosting;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.Infrastructure;

/// <summary>
/// The whole gateway (GatewayApp, as Program.cs runs it) on 127.0.0.1 port 0 with its co-hosted silo,
/// a metrics port, and two demo backends per service published through a seed-format config file.
/// Circuits use the seed's defaults (5 failures open, 30 s open), so one opened in a test stays open
/// for that test.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    private readonly List<DemoBackend> _backends = [];
    private string _directory = string.Empty;

    public WebApplication App { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public int MetricsPort { get; private set; }

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public IGrainFactory Grains => App.Services.GetRequiredService<IGrainFactory>();

    public IReadOnlyDictionary<string, IReadOnlyList<DemoBackend>> Backends { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var byService = new Dictionary<string, IReadOnlyList<DemoBackend>>(StringComparer.Ordinal);
        foreach (var kind in Enum.GetValues<DemoServiceKind>())
        {
            var pair = new List<DemoBackend>();
            for (var i = 1; i <= 2; i++)
            {
                var backend = await DemoBackend.StartAsync(new DemoBackendOptions { Service = kind, InstanceName = $"{DemoServiceNames.Of(kind)}-{i}" });
                _backends.Add(backend);
                pair.Add(backend);
            }

            byService[DemoServiceNames.Of(kind)] = pair;
        }

        Backends = byService;
        _directory = Directory.CreateTempSubdirectory("ta-gateway-").FullName;
        var configFile = Path.Combine(_directory, "config.yaml");
        await File.WriteAllTextAsync(configFile, ConfigYaml(byService));

        MetricsPort = FreePort.Next();
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Metrics:Port"] = MetricsPort.ToString(CultureInfo.InvariantCulture),
            ["Cluster:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var builder = GatewayApp.CreateBuilder(["--config", configFile], configuration => configuration.AddInMemoryCollection(settings));
        App = GatewayApp.Build(builder);
        await App.StartAsync();
        BaseAddress = new Uri(App.Urls.Single(u => !u.EndsWith($":{MetricsPort}", StringComparison.Ordinal)));
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    public static string InstanceIdOf(DemoBackend backend) => EndpointAddress.Format(backend.Host, backend.Port);

    /// <summary>Opens the circuit of <paramref name="backend"/> by reporting five failed calls to its instance grain.</summary>
    public async Task OpenCircuitAsync(string service, DemoBackend backend)
    {
        var instance = Grains.GetGrain<IInstanceGrain>(InstanceKey.Format(service, InstanceIdOf(backend)));
        var generation = (await instance.GetDetailsAsync()).Status.BreakerGeneration;
        await instance.ReportOutcomesAsync(new OutcomeReport(
            "test-reporter",
            1,
            [.. Enumerable.Repeat(new OutcomeEntry(OutcomeKind.Failure, 1, TimeSpan.FromMilliseconds(3), generation, Error: "HTTP 500 (test)"), 5)]));
    }

    public Task<HttpResponseMessage> GetAsync(string pathAndQuery) => Http.GetAsync(new Uri(BaseAddress, pathAndQuery));

    private static string ConfigYaml(Dictionary<string, IReadOnlyList<DemoBackend>> services)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine("service_discovery:");
        yaml.AppendLine("  namespace: trading-system");
        yaml.AppendLine("  load_balancing:");
        yaml.AppendLine("    algorithm: round_robin");
        yaml.AppendLine("  services:");
        foreach (var (name, backends) in services)
        {
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    {name}:");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"      service_name: {name}");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"      port: {backends[0].Port}");
            yaml.AppendLine("      timeout: 10");
            yaml.AppendLine("      endpoints:");
            foreach (var backend in backends)
            {
                yaml.AppendLine(CultureInfo.InvariantCulture, $"        - {{ address: {InstanceIdOf(backend)}, name: {backend.InstanceName} }}");
            }
        }

        return yaml.ToString();
    }
}

/// <summary>Gateway tests start whole silos; running them one at a time keeps a 2-core machine responsive.</summary>
[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "Gateway";
}
