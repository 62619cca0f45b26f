using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TradingAgents.Actors.Tests.Infrastructure;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.Hosting;

[Collection(GatewayCollection.Name)]
public sealed class HostingTests
{
    [Fact]
    public async Task Health_Running_ReturnsHealthyJson()
    {
        await using var gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>());

        using var response = await gateway.Client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"healthy"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Ready_SiloActive_ReturnsReadyJson()
    {
        await using var gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>());

        using var response = await gateway.Client.GetAsync("/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"ready","siloActive":true,"draining":false,"inFlight":0,"routersWarm":true,"routersPending":{},"servicesWithoutEndpoints":[]}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Stop_WithRequestInFlight_NotReadyAtOnceDrainsAndRefusesNewRequests()
    {
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 1);
        await using var gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>(GatewayTestHost.Endpoints("data-service", backends.Addresses)));
        backends[0].Faults.Hang = true;
        var slow = gateway.Client.GetAsync("/data-service/api/v1/data/stock?symbol=AAPL");
        await backends[0].WhenInFlightAtLeastAsync(1).WaitAsync(TimeSpan.FromSeconds(30));

        var stopping = gateway.App.StopAsync();
        using var ready = await gateway.Client.GetAsync("/ready");
        using var refused = await gateway.Client.GetAsync("/data-service/api/v1/data/stock?symbol=MSFT");
        Assert.False(stopping.IsCompleted);
        backends[0].Faults.Hang = false;
        using var completed = await slow.WaitAsync(TimeSpan.FromSeconds(30));
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        using var readiness = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        Assert.True(readiness.RootElement.GetProperty("draining").GetBoolean());
        Assert.Equal(1, readiness.RootElement.GetProperty("inFlight").GetInt32());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        Assert.Equal(1, backends[0].TotalRequests);
    }

    [Fact]
    public async Task Start_BadConfiguration_FailsListingEveryBadKey()
    {
        await using var app = GatewayTestHost.Build(new Dictionary<string, string?>
        {
            ["service_discovery:max_retries"] = "-1",
            ["service_discovery:load_balancing:algorithm"] = "fastest",
            ["Cluster:Provider"] = "Zookeeper",
            ["Gateway:DrainTimeoutSeconds"] = "-5",
        });

        var error = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());

        var message = Flatten(error);
        Assert.Contains("max_retries", message, StringComparison.Ordinal);
        Assert.Contains("fastest", message, StringComparison.Ordinal);
        Assert.Contains("Cluster:Provider is 'Zookeeper'; expected Localhost or Redis.", message, StringComparison.Ordinal);
        Assert.Contains("Gateway:DrainTimeoutSeconds is -5; expected 0..3600.", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_DrainTimeout_ExtendsHostShutdownTimeout()
    {
        await using var app = GatewayTestHost.Build(new Dictionary<string, string?> { ["Gateway:DrainTimeoutSeconds"] = "40" });

        var host = app.Services.GetRequiredService<IOptions<HostOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(55), host.ShutdownTimeout);
    }

    [Fact]
    public async Task Dashboard_LoopbackClient_IsServed()
    {
        await using var gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>());

        using var response = await gateway.Client.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Orleans Dashboard", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Root_Get_RedirectsToTheStatusPage()
    {
        await using var gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>());
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = gateway.Address };

        using var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/discovery", response.Headers.Location?.OriginalString);
    }

    private static string Flatten(Exception error) => error switch
    {
        AggregateException aggregate => string.Join(Environment.NewLine, aggregate.InnerExceptions.Select(Flatten)),
        OptionsValidationException validation => string.Join(Environment.NewLine, validation.Failures) + Environment.NewLine + validation.Message,
        _ => error.Message + (error.InnerException is null ? string.Empty : Environment.NewLine + Flatten(error.InnerException)),
    };
}
