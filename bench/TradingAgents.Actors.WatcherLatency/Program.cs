using System.Diagnostics;
using System.Globalization;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TradingAgents.Actors.Benchmarks;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Discovery.Kubernetes;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Hosting;
using TradingAgents.Actors.Tests.Fakes;

// Usage: dotnet run -c Release --project bench/TradingAgents.Actors.WatcherLatency [changes]
var changes = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
const string Small = "latency-small";
const string Large = "latency-large";

await using var server = await FakeKubernetesApiServer.StartAsync();
server.Apply(Slices.Create("small-0", Small, [Slices.Endpoint("127.0.2.1")]));
server.Apply(Slices.Create("large-0", Large, Enumerable.Range(0, 500).Select(i => Slices.Endpoint(LatencyRun.Address(i)))));
server.Apply(Slices.Create("large-1", Large, Enumerable.Range(500, 499).Select(i => Slices.Endpoint(LatencyRun.Address(i)))));

var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.Services.AddSingleton<IKubernetes>(_ => server.CreateClient());
builder.Services.Configure<ServiceDiscoveryOptions>(options =>
{
    options.Namespace = Slices.Namespace;
    options.Kubernetes.Enabled = true;
    options.LoadBalancing.HealthCheck.Enabled = false;
    options.Services[Small] = new ServiceOptions { Algorithm = LoadBalancingAlgorithms.RoundRobin };
    options.Services[Large] = new ServiceOptions { Algorithm = LoadBalancingAlgorithms.RoundRobin };
});
builder.UseOrleans(silo => silo
    .UseLocalhostClustering(siloPort: 21311, gatewayPort: 31311)
    .AddServiceDiscoveryGrains()
    .AddKubernetesEndpointSource());
using var host = builder.Build();
await host.StartAsync();
var grains = host.Services.GetRequiredService<IGrainFactory>();

// Changes are measured from the watch stream, so wait for the list to finish and the watch to open.
await server.WaitForRequestsAsync(_ => server.ActiveWatches == 1, TimeSpan.FromSeconds(30));

Console.WriteLine($"Kubernetes watcher latency, {changes} changes per case, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}");
Console.WriteLine();
Console.WriteLine("| case | changes | p50 | p99 | max |");
Console.WriteLine("|---|---:|---:|---:|---:|");

var small = new LatencyRun(server, grains.GetGrain<IServiceGrain>(Small), "2-endpoint service", Toggled: "127.0.2.2",
    present => Slices.Create("small-0", Small, present ? [Slices.Endpoint("127.0.2.1"), Slices.Endpoint("127.0.2.2", zone: LatencyRun.ToggledZone)] : [Slices.Endpoint("127.0.2.1")]));
await small.RunAsync(changes);

var large = new LatencyRun(server, grains.GetGrain<IServiceGrain>(Large), "1,000-endpoint service", Toggled: LatencyRun.Address(999),
    present => Slices.Create("large-1", Large, Enumerable.Range(500, present ? 500 : 499)
        .Select(i => Slices.Endpoint(LatencyRun.Address(i), zone: i == 999 ? LatencyRun.ToggledZone : null))));
await large.RunAsync(Math.Max(200, changes / 5));

// The cost of one 1,000-endpoint update inside the silo: mapping two 500-endpoint slices, and mapping plus
// publishing the set through the catalog to the service grain (which reconciles its instances).
var slices = new[]
{
    Slices.Create("large-0", Large, Enumerable.Range(0, 500).Select(i => Slices.Endpoint(LatencyRun.Address(i)))),
    Slices.Create("large-1", Large, Enumerable.Range(500, 500).Select(i => Slices.Endpoint(LatencyRun.Address(i)))),
};
var catalog = host.Services.GetRequiredService<EndpointCatalog>();
var service = new ServiceOptions();
var map = new List<TimeSpan>();
var apply = new List<TimeSpan>();

// The first set activates the grain (which hydrates from the catalog) and its 1,000 instance grains.
await catalog.PublishAsync("apply-bench", new EndpointSetUpdate(EndpointSliceWatcher.SourceName, 1, EndpointSliceMapper.Map(slices, service), DateTimeOffset.UtcNow));
for (var i = 0; i < 300; i++)
{
    var started = Stopwatch.GetTimestamp();
    var endpoints = EndpointSliceMapper.Map(slices, service);
    map.Add(Stopwatch.GetElapsedTime(started));

    // Alternate the set so that every publish changes something: drop one endpoint on odd rounds.
    var set = i % 2 == 1 ? endpoints : endpoints.RemoveAt(i % endpoints.Length);
    started = Stopwatch.GetTimestamp();
    var result = await catalog.PublishAsync("apply-bench", new EndpointSetUpdate(EndpointSliceWatcher.SourceName, i + 2, set, DateTimeOffset.UtcNow));
    apply.Add(Stopwatch.GetElapsedTime(started) + map[^1]);
    if (result != ApplyResult.Applied)
    {
        throw new InvalidOperationException($"Publish {i} was {result}.");
    }
}

LatencyRun.Print("map 1,000 endpoints (2 slices)", map.Skip(50).ToList());
LatencyRun.Print("map + publish 1,000 endpoints to the grain", apply.Skip(50).ToList());

await host.StopAsync();
