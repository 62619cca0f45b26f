using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
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
    private static readonly TimeSpan ReloadTimeout = TimeSpan.FromSeconds(20);
    private ConfiguredGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await ConfiguredGateway.StartAsync(static (first, _) => Config(first));

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Reload_BrokenThenRepaired_KeepsRoutingReportsEverywhereThenRecovers()
    {
        var (first, second) = (_gateway.First, _gateway.Second);
        var startedWith = await ConfigurationAsync();
        Assert.Equal(JsonValueKind.Null, startedWith.GetProperty("reloadFailure").ValueKind);
        Assert.Equal("1", await MetricAsync("config_last_reload_success"));

        // A syntax error: rejected, the first backend keeps every request.
        await _gateway.ReplaceConfigAsync("service_discovery:\n  services:\n    data-service:\n      port: 80\n     endpoints: [\n");
        var failed = await Eventually.MatchAsync(ConfigurationAsync, c => c.GetProperty("reloadFailure").ValueKind == JsonValueKind.Object, "a recorded reload failure", ReloadTimeout);

        var failure = failed.GetProperty("reloadFailure");
        Assert.StartsWith("YAML syntax error: config.yaml: line 5, column 6: ", failure.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.False(failed.GetProperty("lastReloadSucceeded").GetBoolean());
        Assert.Equal(startedWith.GetProperty("loadedAt").GetString(), failed.GetProperty("loadedAt").GetString());
        Assert.Equal(failure.GetProperty("reason").GetString(), (await ListAsync()).GetProperty("configuration").GetProperty("reloadFailure").GetProperty("reason").GetString());
        Assert.All(await _gateway.CallDataServiceAsync(6), n => Assert.Equal(first.InstanceName, n));
        Assert.Equal("0", await MetricAsync("config_last_reload_success"));
        Assert.Equal("1", await MetricAsync("config_reload_failures_total"));
        var error = Assert.Single(_gateway.Logs.GetSnapshot(), r => r.Id.Id == 1001);
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.Contains("config.yaml: line 5, column 6", error.Message, StringComparison.Ordinal);
        await AssertBannerAsync(expected: $"configuration reload failed at {Utc(failure.GetProperty("at"))}: {failure.GetProperty("reason").GetString()}; serving the configuration from {Utc(failed.GetProperty("loadedAt"))}");

        // The repaired file moves the service to the second backend.
        await _gateway.ReplaceConfigAsync(Config(second));
        var recovered = await Eventually.MatchAsync(ConfigurationAsync, c => c.GetProperty("reloadFailure").ValueKind == JsonValueKind.Null, "a cleared reload failure", ReloadTimeout);

        Assert.True(recovered.GetProperty("lastReloadSucceeded").GetBoolean());
        Assert.NotEqual(startedWith.GetProperty("loadedAt").GetString(), recovered.GetProperty("loadedAt").GetString());
        await Eventually.MatchAsync(() => _gateway.CallDataServiceAsync(6), names => names.All(n => n == second.InstanceName), "requests on the second backend only", ReloadTimeout);
        Assert.Equal("1", await MetricAsync("config_last_reload_success"));
        Assert.Equal("1", await MetricAsync("config_reload_failures_total"));
        var reloaded = Assert.Single(_gateway.Logs.GetSnapshot(), r => r.Id.Id == 1002);
        Assert.StartsWith(
            $"Configuration reloaded: data-service endpoints +{ConfiguredGateway.Address(second)} -{ConfiguredGateway.Address(first)} (the reload failure of ",
            reloaded.Message,
            StringComparison.Ordinal);
        await AssertBannerAsync(expected: null);
    }

    private static string Config(DemoBackend backend) => $"""
        service_discovery:
          load_balancing:
            health_check:
              enabled: false
          services:
            data-service:
              port: 8003
              endpoints:
                - {ConfiguredGateway.Address(backend)}
        """;

    private static string Utc(JsonElement time) =>
        DateTimeOffset.Parse(time.GetString()!, CultureInfo.InvariantCulture).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    private async Task<JsonElement> ConfigurationAsync() =>
        await _gateway.Http.GetFromJsonAsync<JsonElement>(new Uri(_gateway.BaseAddress, "/api/discovery/configuration"));

    private async Task<JsonElement> ListAsync() =>
        await _gateway.Http.GetFromJsonAsync<JsonElement>(new Uri(_gateway.BaseAddress, "/api/discovery/services"));

    private async Task<string?> MetricAsync(string name)
    {
        var text = await _gateway.Http.GetStringAsync(new Uri(_gateway.BaseAddress, "/metrics"));
        return text.Split('\n')
            .Where(line => line.StartsWith(name + " ", StringComparison.Ordinal) || line.StartsWith(name + "{", StringComparison.Ordinal))
            .Select(line => line.Split(' ')[1])
            .SingleOrDefault();
    }

    private async Task AssertBannerAsync(string? expected)
    {
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.Context.NewPageAsync();
        await page.GotoAsync(new Uri(_gateway.BaseAddress, "/discovery").ToString());
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
    }
}
