using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Yarp.ReverseProxy.Configuration;

namespace TradingAgents.Actors.GatewayLoad;

/// <summary>The baseline: YARP's own reverse proxy with the same destinations in static config, round robin.</summary>
internal static class PlainYarpProxy
{
    public static async Task<(WebApplication App, Uri Address)> StartAsync(string service, IEnumerable<Uri> destinations)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var routes = new[]
        {
            new RouteConfig
            {
                RouteId = service,
                ClusterId = service,
                Match = new RouteMatch { Path = $"/{service}/{{**rest}}" },
                Transforms = [new Dictionary<string, string> { ["PathRemovePrefix"] = $"/{service}" }],
            },
        };
        var clusters = new[]
        {
            new ClusterConfig
            {
                ClusterId = service,
                LoadBalancingPolicy = "RoundRobin",
                HttpClient = new HttpClientConfig { DangerousAcceptAnyServerCertificate = false },
                HttpRequest = new Yarp.ReverseProxy.Forwarder.ForwarderRequestConfig { Version = System.Net.HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower },
                Destinations = destinations.Select((d, i) => (d, i)).ToDictionary(x => $"d{x.i}", x => new DestinationConfig { Address = x.d.ToString() }),
            },
        };
        builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters);
        var app = builder.Build();
        app.MapReverseProxy();
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address));
    }
}
