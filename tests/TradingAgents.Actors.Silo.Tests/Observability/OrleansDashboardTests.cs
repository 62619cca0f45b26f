using System.Net;
using TradingAgents.Actors.Tests.Infrastructure;

namespace TradingAgents.Actors.Tests.Observability;

/// <summary>The Orleans Dashboard as docs/operations.md describes it to operators.</summary>
[Collection(GatewayCollection.Name)]
public sealed class OrleansDashboardTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Dashboard_FromLoopback_ServesTheDashboardPage()
    {
        using var response = await gateway.GetAsync("/dashboard");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Orleans", body, StringComparison.OrdinalIgnoreCase);
    }
}
