using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Playwright;
using TradingAgents.Actors.Silo.Hosting;
using TradingAgents.Actors.Tests.Infrastructure;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.Observability;

/// <summary>
/// A whole gateway whose config.yaml is edited while it runs: a broken edit is reported in the log, the
/// metrics, the discovery API and the status page while routing stays on the last good endpoints; the
/// repaired edit applies and clears all of that.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ConfigurationReloadGatewayTests : IAsyncLifetime
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private static readonly TimeSpan ReloadTimeout = TimeSpan.FromSeconds(20);
    private readonly FakeLogCollector _logs = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private DemoBackend _first = null!;
    private DemoBackend _second = null!;
    private WebApplication _app = null!;
    private string _directory = string.Empty;
    private string _configFile = string.Empty;
    private Uri _base = null!;

    public async Task InitializeAsync()
    {
        _first = await DemoBackend.StartAsync(new DemoBackendOptions { Service = DemoServiceKind.DataService, InstanceName = "data-service-1" });
        _second = await DemoBackend.StartAsync(new DemoBackendOptions { Service = DemoServiceKind.DataService, InstanceName = "data-service-2" });
        _directory = Directory.CreateTempSubdirectory("ta-reload-").FullName;
        _configFile = Path.Combine(_directory, "config.yaml");
        await File.WriteAllTextAsync(_configFile, Config(_first));
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Cluster:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:TradingAgents.Actors.Configuration"] = "Information",
        };
        var builder = GatewayApp.CreateBuilder(["--config", _configFile], configuration => configuration.AddInMemoryCollection(settings));
        builder.Logging.AddProvider(new FakeLoggerProvider(_logs));
        _app = GatewayApp.Build(builder);
        await _app.StartAsync();
        _base = new Uri(_app.Urls.Single());
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Reload_BrokenThenRepaired_KeepsRoutingReportsEverywhereThenRecovers()
    {
        var startedWith = await ConfigurationAsync();
        Assert.Null(startedWith.GetProperty("reloadFailure").GetString());
        Assert.Equal("1", await MetricAsync("config_last_reload_success"));

        // A syntax error: rejected, the first backend keeps every request.
        await ReplaceAsync("service_discovery:\n  services:\n    data-service:\n      port: 80\n     endpoints: [\n");
        var failed = await Eventually.MatchAsync(ConfigurationAsync, c => c.GetProperty("reloadFailure").ValueKind == JsonValueKind.Object, "a recorded reload failure", ReloadTimeout);

        var failure = failed.GetProperty("reloadFailure");
        Assert.StartsWith("YAML syntax error: config.yaml: line 5, column 6: ", failure.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.False(failed.GetProperty("lastReloadSucceeded").GetBoolean());
        Assert.Equal(startedWith.GetProperty("loadedAt").GetString(), failed.GetProperty("loadedAt").GetString());
        Assert.Equal(failure.GetProperty("reason").GetString(), (await ListAsync()).GetProperty("configuration").GetProperty("reloadFailure").GetProperty("reason").GetString());
        Assert.Equal([_first.InstanceName], await InstancesAnsweringAsync(6));
        Assert.Equal("0", await MetricAsync("config_last_reload_success"));
        Assert.Equal("1", await MetricAsync("config_reload_failures_total"));
        var error = Assert.Single(_logs.GetSnapshot(), r => r.Id.Id == 1001);
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.Contains("config.yaml: line 5, column 6", error.Message, StringComparison.Ordinal);
        await AssertBannerAsync(expected: $"configuration reload failed at {Utc(failure.GetProperty("at"))}: {failure.GetProperty("reason").GetString()}; serving the configuration from {Utc(failed.GetProperty("loadedAt"))}");

        // The repaired file moves the service to the second backend.
        await ReplaceAsync(Config(_second));
        var recovered = await Eventually.MatchAsync(ConfigurationAsync, c => c.GetProperty("reloadFailure").ValueKind == JsonValueKind.Null, "a cleared reload failure", ReloadTimeout);

        Assert.True(recovered.GetProperty("lastReloadSucceeded").GetBoolean());
        Assert.NotEqual(startedWith.GetProperty("loadedAt").GetString(), recovered.GetProperty("loadedAt").GetString());
        await Eventually.MatchAsync(() => InstancesAnsweringAsync(6), names => names.SequenceEqual([_second.InstanceName]), "requests on the second backend only", ReloadTimeout);
        Assert.Equal("1", await MetricAsync("config_last_reload_success"));
        Assert.Equal("1", await MetricAsync("config_reload_failures_total"));
        var reloaded = Assert.Single(_logs.GetSnapshot(), r => r.Id.Id == 1002);
        Assert.StartsWith(
            $"Configuration reloaded: data-service endpoints +{Address(_second)} -{Address(_first)} (the reload failure of ",
            reloaded.Message,
            StringComparison.Ordinal);
        await AssertBannerAsync(expected: null);
    }

    private static string Address(DemoBackend backend) => $"{backend.Host}:{backend.Port}";

    private static string Config(DemoBackend backend) => $"""
        service_discovery:
          load_balancing:
            health_check:
              enabled: false
          services:
            data-service:
              port: 8003
              endpoints:
                - {Address(backend)}
        """;

    private static string Utc(JsonElement time) =>
        DateTimeOffset.Parse(time.GetString()!, CultureInfo.InvariantCulture).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    private async Task ReplaceAsync(string yaml)
    {
        var staged = Path.Combine(_directory, "config.yaml.new");
        await File.WriteAllTextAsync(staged, yaml);
        File.Move(staged, _configFile, overwrite: true);
    }

    private async Task<JsonElement> ConfigurationAsync() =>
        await _http.GetFromJsonAsync<JsonElement>(new Uri(_base, "/api/discovery/configuration"));

    private async Task<JsonElement> ListAsync() =>
        await _http.GetFromJsonAsync<JsonElement>(new Uri(_base, "/api/discovery/services"));

    private async Task<string?> MetricAsync(string name)
    {
        var text = await _http.GetStringAsync(new Uri(_base, "/metrics"));
        return text.Split('\n')
            .Where(line => line.StartsWith(name + " ", StringComparison.Ordinal) || line.StartsWith(name + "{", StringComparison.Ordinal))
            .Select(line => line.Split(' ')[1])
            .SingleOrDefault();
    }

    private async Task<List<string>> InstancesAnsweringAsync(int requests)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < requests; i++)
        {
            using var response = await _http.GetAsync(new Uri(_base, "/data-service/api/v1/data/stock?symbol=AAPL"));
            response.EnsureSuccessStatusCode();
            names.Add(response.Headers.GetValues(DemoBackend.InstanceHeader).Single());
        }

        return [.. names];
    }

    private async Task AssertBannerAsync(string? expected)
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: install the Debian package (sudo apt-get install -y chromium), as .ci/run does.");
        var profile = Directory.CreateTempSubdirectory("ta-chromium-").FullName;
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            });
            var page = await context.NewPageAsync();
            await page.GotoAsync(new Uri(_base, "/discovery").ToString());
            await Assertions.Expect(page.Locator("section[data-service='data-service'] h2")).ToHaveTextAsync("data-service");
            var banner = page.Locator("#configuration");
            if (expected is null)
            {
                await Assertions.Expect(banner).ToBeHiddenAsync();
            }
            else
            {
                await Assertions.Expect(banner).ToBeVisibleAsync();
                await Assertions.Expect(banner).ToHaveTextAsync(expected);
            }

            await context.CloseAsync();
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}
