using System.Net;
using System.Text.Json;
using TradingAgents.Actors.Tests.Infrastructure;

namespace TradingAgents.Actors.Tests.Gateway;

/// <summary>The request reaches the instance as the client sent it, minus what was meant for the connection only.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ForwardingExactnessTests
{
    [Theory]
    [InlineData("/echo/files/a%2Fb.txt", "/files/a%2Fb.txt")]
    [InlineData("/echo/files/%c0%ae%c0%ae/x", "/files/%c0%ae%c0%ae/x")]
    [InlineData("/echo/search/%E2%82%AC%20price?q=a%2Bb&r=%zz", "/search/%E2%82%AC%20price?q=a%2Bb&r=%zz")]
    [InlineData("/echo/a%2fB/", "/a%2fB/")]
    [InlineData("/echo", "/")]
    public async Task Forward_EscapedPath_ReachesTheInstanceAsReceived(string sent, string expected)
    {
        await using var backend = await EchoBackend.StartAsync();
        await using var gateway = await GatewayTestHost.StartAsync(Settings(backend));

        using var request = new HttpRequestMessage(HttpMethod.Get, Exact(gateway.Address, sent));
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, (await EchoAsync(response)).GetProperty("rawTarget").GetString());
    }

    [Fact]
    public async Task Forward_DotSegmentsInRawPath_InstanceGetsThePathTheGatewayRoutedOn()
    {
        await using var backend = await EchoBackend.StartAsync();
        await using var gateway = await GatewayTestHost.StartAsync(Settings(backend));

        using var request = new HttpRequestMessage(HttpMethod.Get, Exact(gateway.Address, "/echo/api/%2e%2e/admin/faults"));
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/admin/faults", (await EchoAsync(response)).GetProperty("rawTarget").GetString());
    }

    [Fact]
    public async Task Forward_HeaderNamedInConnection_IsNotForwarded()
    {
        await using var backend = await EchoBackend.StartAsync();
        await using var gateway = await GatewayTestHost.StartAsync(Settings(backend));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/echo/any");
        request.Headers.Connection.Add("X-Hop");
        request.Headers.Add("X-Hop", "for the gateway only");
        request.Headers.Add("X-Kept", "for the instance");
        using var response = await gateway.Client.SendAsync(request);

        var headers = (await EchoAsync(response)).GetProperty("headers");
        Assert.False(headers.TryGetProperty("x-hop", out _), headers.ToString());
        Assert.False(headers.TryGetProperty("connection", out var connection) && connection.GetString()!.Contains("X-Hop", StringComparison.OrdinalIgnoreCase), headers.ToString());
        Assert.Equal("for the instance", headers.GetProperty("x-kept").GetString());
    }

    [Fact]
    public async Task Forward_ResponseHeaderNamedInConnection_IsNotReturned()
    {
        await using var backend = await EchoBackend.StartAsync();
        await using var gateway = await GatewayTestHost.StartAsync(Settings(backend));

        using var response = await gateway.Client.GetAsync("/echo/hop");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Backend-Hop"));
        Assert.Equal("for the client", Assert.Single(response.Headers.GetValues("X-Backend-Kept")));
    }

    [Fact]
    public async Task Forward_WhileDraining_503ClosesTheConnection()
    {
        await using var backend = await EchoBackend.StartAsync();
        await using var gateway = await GatewayTestHost.StartAsync(Settings(backend));
        using var before = await gateway.Client.GetAsync("/echo/any");
        var slow = gateway.Client.GetAsync("/echo/hang");
        await backend.Hanging.WaitAsync(TimeSpan.FromSeconds(30));

        var stopping = gateway.App.StopAsync();
        using var refused = await gateway.Client.GetAsync("/echo/any");
        backend.Release();
        using var completed = await slow.WaitAsync(TimeSpan.FromSeconds(30));
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.NotEqual(true, before.Headers.ConnectionClose);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.True(refused.Headers.ConnectionClose);
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
    }

    private static Dictionary<string, string?> Settings(EchoBackend backend) => new(GatewayTestHost.Endpoints("echo", backend.Address));

    private static Uri Exact(Uri gateway, string pathAndQuery) =>
        new($"{gateway.Scheme}://{gateway.Authority}{pathAndQuery}", new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });

    private static async Task<JsonElement> EchoAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }
}
