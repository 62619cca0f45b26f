using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using TradingAgents.Actors.Tests.Infrastructure;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.Hosting;

/// <summary>The operator surfaces on the management port; the client port refuses them.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ManagementPortTests
{
    private static readonly (HttpMethod Method, string Path)[] OperatorRequests =
    [
        (HttpMethod.Get, "/api/discovery/services"),
        (HttpMethod.Get, "/api/discovery/services/data-service"),
        (HttpMethod.Post, "/api/discovery/services/data-service/select"),
        (HttpMethod.Get, "/discovery"),
        (HttpMethod.Get, "/dashboard/"),
        (HttpMethod.Get, "/metrics"),
    ];

    [Fact]
    public async Task ManagementPort_Set_ClientPortRefusesOperatorSurfacesAndManagementPortServesThem()
    {
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 1);
        var port = FreePort.Next();
        var settings = new Dictionary<string, string?>(GatewayTestHost.Endpoints("data-service", backends.Addresses))
        {
            ["Management:Port"] = port.ToString(CultureInfo.InvariantCulture),
        };
        await using var gateway = await GatewayTestHost.StartAsync(settings);
        using var management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        foreach (var (method, path) in OperatorRequests)
        {
            using var refused = await gateway.Client.SendAsync(new HttpRequestMessage(method, path));
            using var served = await management.SendAsync(new HttpRequestMessage(method, path));

            Assert.True(HttpStatusCode.NotFound == refused.StatusCode, $"{method} {path} on the client port: {refused.StatusCode}");
            Assert.True(HttpStatusCode.OK == served.StatusCode, $"{method} {path} on the management port: {served.StatusCode}");
        }

        using var health = await gateway.Client.GetAsync("/health");
        using var forwarded = await gateway.Client.GetAsync("/data-service/api/v1/data/stock?symbol=AAPL");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, forwarded.StatusCode);
    }

    [Fact]
    public async Task ManagementPort_Unset_LoopbackClientGetsOperatorSurfacesOnTheClientPort()
    {
        await using var gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>());

        foreach (var (method, path) in OperatorRequests.Where(r => r.Method == HttpMethod.Get && !r.Path.Contains("data-service", StringComparison.Ordinal)))
        {
            using var response = await gateway.Client.SendAsync(new HttpRequestMessage(method, path));

            Assert.True(HttpStatusCode.OK == response.StatusCode, $"{method} {path}: {response.StatusCode}");
        }
    }

    [Fact]
    public async Task ExtraPorts_GatewayOnLoopback_BindLoopbackToo()
    {
        var metrics = FreePort.Next();
        var management = FreePort.Next();
        await using var gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Metrics:Port"] = metrics.ToString(CultureInfo.InvariantCulture),
            ["Management:Port"] = management.ToString(CultureInfo.InvariantCulture),
        });

        var addresses = gateway.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;

        Assert.Contains($"http://127.0.0.1:{metrics}", addresses);
        Assert.Contains($"http://127.0.0.1:{management}", addresses);
        Assert.DoesNotContain(addresses, a => a.Contains('*', StringComparison.Ordinal) || a.Contains("0.0.0.0", StringComparison.Ordinal) || a.Contains("[::]", StringComparison.Ordinal));
    }
}
