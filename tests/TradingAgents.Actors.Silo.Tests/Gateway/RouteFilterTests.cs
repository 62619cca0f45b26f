using System.Net;
using System.Text;
using TradingAgents.Actors.Tests.Infrastructure;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.Gateway;

/// <summary><c>forward_paths</c>: only the listed prefixes of a service go through the gateway.</summary>
[Collection(GatewayCollection.Name)]
public sealed class RouteFilterTests
{
    [Fact]
    public async Task Forward_PathNotListed_404AndTheInstanceNeverSeesIt()
    {
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 1);
        var settings = new Dictionary<string, string?>(GatewayTestHost.Endpoints("data-service", backends.Addresses))
        {
            ["service_discovery:services:data-service:forward_paths:0"] = "/api",
            ["service_discovery:services:data-service:forward_paths:1"] = "/health",
        };
        await using var gateway = await GatewayTestHost.StartAsync(settings);

        using var put = await gateway.Client.PutAsync("/data-service/admin/faults", new StringContent("""{"error_rate":1.0}""", Encoding.UTF8, "application/json"));
        using var escaped = await gateway.Client.GetAsync("/data-service/api/%2e%2e/admin/faults");
        using var lookalike = await gateway.Client.GetAsync("/data-service/apix");
        var before = backends[0].TotalRequests;
        using var api = await gateway.Client.GetAsync("/data-service/api/v1/data/stock?symbol=AAPL");
        using var health = await gateway.Client.GetAsync("/data-service/health");

        Assert.Equal(HttpStatusCode.NotFound, put.StatusCode);
        Assert.Contains("forward_paths", await put.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, escaped.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, lookalike.StatusCode);
        Assert.Equal(0, before);
        Assert.Equal(0, backends[0].Faults.ErrorRate);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Forward_NoForwardPaths_EveryPathForwarded()
    {
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 1);
        await using var gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>(GatewayTestHost.Endpoints("data-service", backends.Addresses)));

        using var stats = await gateway.Client.GetAsync("/data-service/admin/stats");

        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
    }
}
