using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TradingAgents.Actors.Routing;
using TradingAgents.Actors.Tests.Infrastructure;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.Api;

/// <summary>Issue 12 item 5 through the gateway: operator actions on the discovery API change what every router routes to.</summary>
[Collection(GatewayCollection.Name)]
public sealed class OperatorActionApiTests : IAsyncLifetime
{
    private static readonly Uri Stock = new("/data-service/api/v1/data/stock?symbol=AAPL&period=1d", UriKind.Relative);
    private Backends _backends = null!;
    private GatewayTestHost _gateway = null!;

    private string Broken => $"127.0.0.1:{_backends[0].Port}";

    public async Task InitializeAsync()
    {
        _backends = await Backends.StartAsync(DemoServiceKind.DataService, 2);
        var settings = new Dictionary<string, string?>(GatewayTestHost.Endpoints("data-service", _backends.Addresses))
        {
            ["service_discovery:load_balancing:algorithm"] = "round_robin",
        };
        _gateway = await GatewayTestHost.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backends.DisposeAsync();
    }

    private Uri Action(string action, string? instance = null, string service = "data-service") =>
        new($"/api/discovery/services/{service}/instances/{instance ?? Broken}/{action}", UriKind.Relative);

    private async Task<HashSet<string>> ServedByAsync(int requests)
    {
        var served = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < requests; i++)
        {
            using var response = await _gateway.Client.GetAsync(Stock);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            served.Add(response.Headers.GetValues(DemoBackend.InstanceHeader).Single());
        }

        return served;
    }

    private Task WaitForRouterAsync(Func<RoutingInstance, bool> condition, string what)
    {
        var router = _gateway.Services.GetRequiredService<ServiceRouters>().Get("data-service");
        return Eventually.MatchAsync(
            () => Task.FromResult(router.Snapshot.Instances.Single(i => i.InstanceId == Broken)),
            condition,
            what);
    }

    [Fact]
    public async Task Eject_ThenRestore_TheRouterStopsAndResumesRoutingThereAndTheHistoryShowsBoth()
    {
        Assert.Equal(2, (await ServedByAsync(10)).Count);

        using var ejected = await _gateway.Client.PostAsJsonAsync(Action("eject"), new { reason = "bad deploy 4.2.1", by = "alice" });

        Assert.Equal(HttpStatusCode.OK, ejected.StatusCode);
        var body = await ejected.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("eject", body.GetProperty("status").GetProperty("override").GetProperty("action").GetString());
        await WaitForRouterAsync(i => i.Availability == InstanceAvailability.Unavailable, "the ejection to reach this gateway's router");
        Assert.Equal([_backends[1].InstanceName], await ServedByAsync(10));

        using var restored = await _gateway.Client.PostAsJsonAsync(Action("RESTORE"), new { reason = "4.2.2 is out" });
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        await WaitForRouterAsync(i => i.Availability == InstanceAvailability.Selectable, "the restore to reach this gateway's router");
        Assert.Equal(2, (await ServedByAsync(10)).Count);

        var details = await _gateway.Client.GetFromJsonAsync<JsonElement>(new Uri($"/api/discovery/services/data-service/instances/{Broken}", UriKind.Relative));
        var history = details.GetProperty("history").EnumerateArray().ToList();
        var eject = history.Single(h => h.GetProperty("what").GetString() == "operator eject");
        Assert.Equal("alice", eject.GetProperty("by").GetString());
        Assert.Equal("bad deploy 4.2.1", eject.GetProperty("reason").GetString());
        var restore = history[^1];
        Assert.Equal("operator restore (was ejected by alice: bad deploy 4.2.1)", restore.GetProperty("what").GetString());
        Assert.Equal("operator at 127.0.0.1", restore.GetProperty("by").GetString());
        Assert.True(restore.GetProperty("at").GetDateTimeOffset() >= eject.GetProperty("at").GetDateTimeOffset());
    }

    [Fact]
    public async Task ServiceSnapshot_EjectedInstance_ShowsTheOverrideAndWhy()
    {
        using var drained = await _gateway.Client.PostAsJsonAsync(Action("eject"), new { reason = "disk full", by = "erin" });
        Assert.Equal(HttpStatusCode.OK, drained.StatusCode);

        var instance = await Eventually.MatchAsync(
            async () => (await _gateway.Client.GetFromJsonAsync<JsonElement>(new Uri("/api/discovery/services/data-service", UriKind.Relative)))
                .GetProperty("instances").EnumerateArray().Single(i => i.GetProperty("instanceId").GetString() == Broken),
            i => !i.GetProperty("selectable").GetBoolean(),
            "the service snapshot to show the ejection");
        Assert.Equal("ejected by erin: disk full", instance.GetProperty("notSelectableReason").GetString());
        Assert.Equal("erin", instance.GetProperty("override").GetProperty("by").GetString());
    }

    public static TheoryData<string, string?, string, HttpStatusCode, string> BadRequests => new()
    {
        { "quarantine", """{"reason":"x"}""", "application/json", HttpStatusCode.BadRequest, "Unknown action 'quarantine'. Actions: eject, drain, pin, restore." },
        { "1", """{"reason":"x"}""", "application/json", HttpStatusCode.BadRequest, "Unknown action '1'" },
        { "eject", """{"by":"alice"}""", "application/json", HttpStatusCode.BadRequest, "'reason' is required" },
        { "eject", null, "application/json", HttpStatusCode.BadRequest, "'reason' is required" },
        { "eject", "reason=x", "text/plain", HttpStatusCode.BadRequest, "The body must be JSON" },
        { "eject", """{"reason":""" , "application/json", HttpStatusCode.BadRequest, "The body must be JSON" },
        { "eject", """{"reason":5}""", "application/json", HttpStatusCode.BadRequest, "'reason' must be a string." },
        { "eject", "[1]", "application/json", HttpStatusCode.BadRequest, "The body must be a JSON object like {\"reason\": \"bad deploy\", \"by\": \"alice\"}, not array." },
        { "eject", "\"disk full\"", "application/json", HttpStatusCode.BadRequest, "must be a JSON object" },
        { "eject", $$"""{"reason":"{{new string('x', 501)}}"}""", "application/json", HttpStatusCode.BadRequest, "'reason' is 501 characters; at most 500." },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Action_BadRequest_Is400NamingWhatWasWrongAndChangesNothing(string action, string? body, string contentType, HttpStatusCode expected, string detail)
    {
        using var content = body is null ? null : new StringContent(body, Encoding.UTF8, contentType);
        using var response = await _gateway.Client.PostAsync(Action(action), content);

        Assert.Equal(expected, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("TradingAgents.", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("data-service", problem.GetProperty("service").GetString());
        Assert.Equal(2, (await ServedByAsync(6)).Count);
    }

    [Theory]
    [InlineData("data-service", "127.0.0.1:1", "Unknown instance", "has no instance '127.0.0.1:1'")]
    [InlineData("no-such-service", "127.0.0.1:1", "Unknown service", "Service 'no-such-service' is neither configured nor discovered.")]
    public async Task Action_UnknownServiceOrInstance_Is404(string service, string instance, string title, string detail)
    {
        using var response = await _gateway.Client.PostAsJsonAsync(Action("eject", instance, service), new { reason = "x" });
        using var details = await _gateway.Client.GetAsync(new Uri($"/api/discovery/services/{service}/instances/{instance}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.NotFound, details.StatusCode);
    }
}
