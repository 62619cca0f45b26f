using System.Net;
using System.Text.Json;
using TradingAgents.Actors.Tests.Infrastructure;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.Hosting;

/// <summary><c>/ready</c> and the rule "every configured service has endpoints from some source".</summary>
[Collection(GatewayCollection.Name)]
public sealed class EndpointReadinessTests
{
    [Fact]
    public async Task Ready_ConfiguredServiceWithoutEndpoints_NotReadyNamingIt()
    {
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 1);
        var settings = new Dictionary<string, string?>(GatewayTestHost.Endpoints("data-service", backends.Addresses))
        {
            ["service_discovery:services:llm-service:timeout"] = "60",
        };
        await using var gateway = await GatewayTestHost.StartAsync(settings);

        using var response = await gateway.Client.GetAsync("/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("notReady", body.RootElement.GetProperty("status").GetString());
        Assert.True(body.RootElement.GetProperty("siloActive").GetBoolean());
        Assert.Equal(["llm-service"], body.RootElement.GetProperty("servicesWithoutEndpoints").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Ready_RequireEndpointsOff_ReadyButDegraded()
    {
        await using var gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["service_discovery:services:llm-service:timeout"] = "60",
            ["Readiness:RequireEndpoints"] = "false",
        });

        using var response = await gateway.Client.GetAsync("/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("degraded", body.RootElement.GetProperty("status").GetString());
        Assert.Equal(["llm-service"], body.RootElement.GetProperty("servicesWithoutEndpoints").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Start_RequireEndpointsNotABoolean_Fails()
    {
        await using var app = GatewayTestHost.Build(new Dictionary<string, string?> { ["Readiness:RequireEndpoints"] = "sometimes" });

        var error = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());

        Assert.Contains("Readiness:RequireEndpoints", error.ToString(), StringComparison.Ordinal);
    }
}
