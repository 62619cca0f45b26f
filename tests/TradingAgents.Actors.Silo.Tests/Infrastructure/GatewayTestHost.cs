using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TradingAgents.Actors.Silo.Hosting;

namespace TradingAgents.Actors.Tests.Infrastructure;

/// <summary>The real gateway (Kestrel on 127.0.0.1, port 0) with its silo on free ports, configured in memory.</summary>
internal sealed class GatewayTestHost : IAsyncDisposable
{
    private GatewayTestHost(WebApplication app, Uri address)
    {
        App = app;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>Builds the app with <paramref name="settings"/> on top of test defaults; does not start it.</summary>
    public static WebApplication Build(IDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null)
    {
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Cluster:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Cluster:ClusterId"] = "test-" + Guid.NewGuid().ToString("N"),
            ["Gateway:RetryBaseDelayMilliseconds"] = "1",
            ["Gateway:RetryMaxDelayMilliseconds"] = "5",
            ["Gateway:DrainTimeoutSeconds"] = "10",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Yarp"] = "Error",
            ["service_discovery:load_balancing:health_check:interval"] = "60",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        var builder = GatewayApp.CreateBuilder([], configuration => configuration.AddInMemoryCollection(all));
        configure?.Invoke(builder);
        return GatewayApp.Build(builder);
    }

    public static async Task<GatewayTestHost> StartAsync(IDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null)
    {
        var app = Build(settings, configure);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await app.StartAsync(timeout.Token);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new GatewayTestHost(app, new Uri(address));
    }

    /// <summary>Configuration keys listing <paramref name="endpoints"/> as the static endpoints of <paramref name="service"/>.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Endpoints(string service, params IEnumerable<Uri> endpoints) =>
        endpoints.Select((uri, i) => new KeyValuePair<string, string?>($"service_discovery:services:{service}:endpoints:{i}", $"{uri.Host}:{uri.Port}"));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await App.StopAsync(timeout.Token);
        }
        finally
        {
            await App.DisposeAsync();
        }
    }

    /// <summary>A port nobody listens on right now (bound and released), for the silo's fixed ports; never the same twice.</summary>
    public static int FreePort() => Infrastructure.FreePort.Next();
}
