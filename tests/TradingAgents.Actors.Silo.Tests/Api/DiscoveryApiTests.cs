using System.Net;
using System.Text.Json;
using TradingAgents.Actors.Tests.Infrastructure;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.Api;

[Collection(GatewayCollection.Name)]
public sealed class DiscoveryApiTests : IAsyncLifetime
{
    private Backends _backends = null!;
    private GatewayTestHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _backends = await Backends.StartAsync(DemoServiceKind.DataService, 2);
        var settings = new Dictionary<string, string?>(GatewayTestHost.Endpoints("data-service", _backends.Addresses))
        {
            ["service_discovery:load_balancing:algorithm"] = "round_robin",
            ["service_discovery:services:llm-service:timeout"] = "60",
        };
        _gateway = await GatewayTestHost.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backends.DisposeAsync();
    }

    [Fact]
    public async Task Services_Configured_ListsNamesWithCounts()
    {
        using var json = JsonDocument.Parse(await _gateway.Client.GetStringAsync("/api/discovery/services"));

        Assert.Equal(
            """[{"name":"data-service","algorithm":"round_robin","instances":2,"selectable":2},{"name":"llm-service","algorithm":"round_robin","instances":0,"selectable":0}]""",
            json.RootElement.GetProperty("services").GetRawText());
        var configuration = json.RootElement.GetProperty("configuration");
        Assert.True(configuration.GetProperty("lastReloadSucceeded").GetBoolean());
        Assert.Equal(JsonValueKind.Null, configuration.GetProperty("reloadFailure").ValueKind);
        Assert.Equal(0, configuration.GetProperty("reloadFailures").GetInt64());
    }

    [Fact]
    public async Task Service_Known_ReturnsSnapshotInCamelCaseWithStringEnums()
    {
        using var snapshot = JsonDocument.Parse(await _gateway.Client.GetStringAsync("/api/discovery/services/data-service"));
        var root = snapshot.RootElement;

        Assert.Equal("data-service", root.GetProperty("service").GetString());
        Assert.True(root.GetProperty("known").GetBoolean());
        Assert.Equal("configuration", Assert.Single(root.GetProperty("sources").EnumerateArray()).GetProperty("source").GetString());
        var instances = root.GetProperty("instances").EnumerateArray().ToList();
        Assert.Equal(
            _backends.Instances.Select(b => $"127.0.0.1:{b.Port}").Order(StringComparer.Ordinal),
            instances.Select(i => i.GetProperty("instanceId").GetString()).Order(StringComparer.Ordinal));
        Assert.All(instances, i => Assert.Equal("closed", i.GetProperty("circuit").GetString()));
        Assert.All(instances, i => Assert.True(i.GetProperty("selectable").GetBoolean()));
    }

    [Fact]
    public async Task Service_Unknown_Returns404Problem()
    {
        using var response = await _gateway.Client.GetAsync("/api/discovery/services/nope");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Unknown service", problem.RootElement.GetProperty("title").GetString());
        Assert.Equal("nope", problem.RootElement.GetProperty("service").GetString());
    }

    [Fact]
    public async Task Select_Known_ReturnsSelectedEndpoint()
    {
        using var response = await _gateway.Client.PostAsync("/api/discovery/services/data-service/select", content: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var selection = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("selected", selection.RootElement.GetProperty("status").GetString());
        var endpoint = selection.RootElement.GetProperty("endpoint");
        Assert.Equal("data-service", endpoint.GetProperty("service").GetString());
        Assert.Contains(endpoint.GetProperty("port").GetInt32(), _backends.Instances.Select(b => b.Port));
        Assert.False(endpoint.GetProperty("isTrial").GetBoolean());
    }

    [Fact]
    public async Task Select_NoEndpoints_Returns503ProblemWithRetryAfter()
    {
        using var response = await _gateway.Client.PostAsync("/api/discovery/services/llm-service/select", content: null);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("noEndpoints", problem.RootElement.GetProperty("selectionStatus").GetString());
    }

    [Fact]
    public async Task Select_Unknown_Returns404Problem()
    {
        using var response = await _gateway.Client.PostAsync("/api/discovery/services/nope/select", content: null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ReservedPrefix_UnmappedPath_Returns404AndIsNotForwarded()
    {
        using var response = await _gateway.Client.GetAsync("/api/unknown");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.All(_backends.Instances, b => Assert.Equal(0, b.TotalRequests));
    }
}
