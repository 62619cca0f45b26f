using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using TradingAgents.Actors.Routing;
using TradingAgents.Actors.Silo.Hosting;
using TradingAgents.Actors.Tests.Infrastructure;
using TradingAgents.DemoServices;

// Retry amplification (attempts per request) during a full outage of a service, two gateways in one
// Redis-clustered fleet, with and without the fleet-wide retry budget. Every instance answers 500; the
// breaker is set out of reach so that retries are limited by max_retries and the budget alone. Attempts
// are counted by the backends. All on 127.0.0.1.
// Usage: dotnet run -c Release --project bench/TradingAgents.Actors.RetryAmplification -- [requests per gateway] [concurrency per gateway]
var perGateway = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
var concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 8;
const string Path = "/data-service/api/v1/data/stock?symbol=AAPL&period=1d";

await using var redis = await RedisServer.StartAsync();
var backends = new List<DemoBackend>();
for (var i = 0; i < 3; i++)
{
    var backend = await DemoBackend.StartAsync(new DemoBackendOptions { Service = DemoServiceKind.DataService, Port = 0, InstanceName = $"data-service-{i + 1}" });
    backend.Faults.ErrorRate = 1;
    backends.Add(backend);
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Full outage (3 instances, all 500), 2 gateways on one Redis cluster, {perGateway} GETs per gateway at {concurrency} concurrent each, max_retries 3, {Environment.ProcessorCount} cores."));
Console.WriteLine();
Console.WriteLine("| retry budget | requests | attempts | retries | attempts / request | retries allowed / refused (routers) | seconds |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
foreach (var enabled in new[] { false, true })
{
    var before = backends.Sum(b => b.TotalRequests);
    var clusterId = $"amplification-{Guid.NewGuid():N}";
    var gateways = new List<WebApplication>();
    for (var g = 0; g < 2; g++)
    {
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Cluster:Provider"] = "Redis",
            ["Cluster:RedisConnectionString"] = redis.ConnectionString,
            ["Cluster:ClusterId"] = clusterId,
            ["Cluster:ServiceId"] = clusterId,
            ["Cluster:AdvertisedIPAddress"] = "127.0.0.1",
            ["Cluster:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Gateway:RetryBaseDelayMilliseconds"] = "1",
            ["Gateway:RetryMaxDelayMilliseconds"] = "5",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Yarp"] = "Error",
            ["Logging:LogLevel:TradingAgents.Actors.Silo.Observability"] = "Error",
            ["service_discovery:circuit_breaker:failure_threshold"] = "1000000",
            ["service_discovery:retry_budget:enabled"] = enabled ? "true" : "false",
        };
        for (var i = 0; i < backends.Count; i++)
        {
            settings[$"service_discovery:services:data-service:endpoints:{i}"] = $"127.0.0.1:{backends[i].Port}";
        }

        var app = GatewayApp.Build(GatewayApp.CreateBuilder([], c => c.AddInMemoryCollection(settings)));
        await app.StartAsync();
        gateways.Add(app);
    }

    var routers = gateways.Select(g => g.Services.GetRequiredService<ServiceRouters>().Get("data-service")).ToList();
    var ready = Stopwatch.StartNew();
    while (routers.Any(r => r.RetryBudget.LastGrant?.Reporters != 2) && ready.Elapsed < TimeSpan.FromSeconds(30))
    {
        await Task.Delay(50);
    }

    var clock = Stopwatch.StartNew();
    var lanes = gateways.SelectMany(g =>
    {
        var address = new Uri(g.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return Enumerable.Range(0, concurrency).Select(lane => RunLaneAsync(new Uri(address, Path), perGateway / concurrency + (lane < perGateway % concurrency ? 1 : 0)));
    });
    await Task.WhenAll(lanes);
    var seconds = clock.Elapsed.TotalSeconds;

    var requests = 2L * perGateway;
    var attempts = backends.Sum(b => b.TotalRequests) - before;
    var allowed = routers.Sum(r => r.RetryBudget.Allowed);
    var refused = routers.Sum(r => r.RetryBudget.Refused);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {(enabled ? "on (0.2, 10/s, 10 s)" : "off")} | {requests} | {attempts} | {attempts - requests} | {(double)attempts / requests:F2} | {allowed} / {refused} | {seconds:F1} |"));

    foreach (var gateway in gateways)
    {
        await gateway.StopAsync();
        await gateway.DisposeAsync();
    }
}

foreach (var backend in backends)
{
    await backend.DisposeAsync();
}

static async Task RunLaneAsync(Uri url, int count)
{
    using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
    for (var i = 0; i < count; i++)
    {
        using var response = await client.GetAsync(url);
    }
}
