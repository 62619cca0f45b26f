using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using TradingAgents.Actors.GatewayLoad;
using TradingAgents.Actors.Silo.Hosting;
using TradingAgents.DemoServices;

// Gateway vs plain YARP, same three demo data-service backends, all on 127.0.0.1.
// Usage: dotnet run -c Release --project bench/TradingAgents.Actors.GatewayLoad -- [requests] [concurrency] [rounds]
// Two gateways in one Redis cluster (needs redis-server on PATH):
//        dotnet run -c Release --project bench/TradingAgents.Actors.GatewayLoad -- fleet [requests] [concurrency] [rounds] [changes] [round-robin requests]
if (args.Length > 0 && args[0] == "fleet")
{
    int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;
    await FleetBench.RunAsync(Arg(1, 10_000), Arg(2, 16), Arg(3, 3), Arg(4, 500), Arg(5, 100_000));
    return;
}

var requests = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
var concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 16;
var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
const string Path = "/data-service/api/v1/data/stock?symbol=AAPL&period=1d";

var backends = new List<DemoBackend>();
for (var i = 0; i < 3; i++)
{
    backends.Add(await DemoBackend.StartAsync(new DemoBackendOptions { Service = DemoServiceKind.DataService, Port = 0, InstanceName = $"data-service-{i + 1}" }));
}

var settings = new Dictionary<string, string?>
{
    ["urls"] = "http://127.0.0.1:0",
    ["Cluster:SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
    ["Cluster:GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
    ["Logging:LogLevel:Default"] = "Warning",
    ["service_discovery:load_balancing:algorithm"] = "round_robin",
};
for (var i = 0; i < backends.Count; i++)
{
    settings[$"service_discovery:services:data-service:endpoints:{i}"] = $"127.0.0.1:{backends[i].Port}";
}

var gateway = GatewayApp.Build(GatewayApp.CreateBuilder([], c => c.AddInMemoryCollection(settings)));
await gateway.StartAsync();
var gatewayAddress = new Uri(gateway.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
var (yarp, yarpAddress) = await PlainYarpProxy.StartAsync("data-service", backends.Select(b => b.BaseAddress));

var targets = new (string Name, Uri Url)[]
{
    ("plain YARP", new Uri(yarpAddress, Path)),
    ("gateway (local router)", new Uri(gatewayAddress, Path)),
    ("backend direct (no proxy)", new Uri(backends[0].BaseAddress, Path["/data-service".Length..])),
};

using var runner = new LoadRunner(concurrency, requests, TimeSpan.FromSeconds(60));
using var warmUp = new LoadRunner(concurrency, Math.Max(1000, requests / 10), TimeSpan.FromSeconds(30));
foreach (var (name, url) in targets)
{
    await warmUp.RunAsync(name, url);
}

var results = new List<LoadResult>();
for (var round = 0; round < rounds; round++)
{
    // Interleaved so that machine noise hits every target alike.
    foreach (var (name, url) in targets)
    {
        var result = await runner.RunAsync(name, url);
        results.Add(result);
        Console.Error.WriteLine($"round {round + 1}: {name}: {result.RequestsPerSecond:F0} req/s, p50 {result.P50Ms:F3} ms, p99 {result.P99Ms:F3} ms, failures {result.Failures}");
    }
}

Console.WriteLine($"{requests} GETs x {rounds} rounds per target, {concurrency} concurrent connections, {Environment.ProcessorCount} cores, .NET {Environment.Version}; median of rounds.");
Console.WriteLine();
Console.WriteLine("| target | requests/s | p50 (ms) | p90 (ms) | p99 (ms) | failures |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|");
var medians = new Dictionary<string, (double Rps, double P50, double P90, double P99, int Failures)>();
foreach (var (name, _) in targets)
{
    var mine = results.Where(r => r.Target == name).ToList();
    var m = (Median(mine.Select(r => r.RequestsPerSecond)), Median(mine.Select(r => r.P50Ms)), Median(mine.Select(r => r.P90Ms)), Median(mine.Select(r => r.P99Ms)), mine.Sum(r => r.Failures));
    medians[name] = m;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {m.Item1:F0} | {m.Item2:F3} | {m.Item3:F3} | {m.Item4:F3} | {m.Item5} |"));
}

var plain = medians[targets[0].Name];
var ours = medians[targets[1].Name];
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Gateway/YARP throughput: {ours.Rps / plain.Rps:F2}x (target >= 0.95x, issue 8); added p50 {ours.P50 - plain.P50:F3} ms; added p99 {ours.P99 - plain.P99:F3} ms (target <= 0.5 ms)."));

await yarp.StopAsync();
await gateway.StopAsync();
foreach (var backend in backends)
{
    await backend.DisposeAsync();
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}
