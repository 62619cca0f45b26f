using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Discovery.Kubernetes;
using TradingAgents.Actors.Hosting;

namespace TradingAgents.Actors.Benchmarks;

/// <summary>
/// The silo-side cost of one 1,000-endpoint Kubernetes update: mapping the service's two 500-endpoint
/// slices, and mapping plus publishing the set through the catalog to a co-hosted service grain.
/// End-to-end latency from the watch stream is measured by bench/TradingAgents.Actors.WatcherLatency.
/// </summary>
[MemoryDiagnoser]
public class KubernetesUpdateBenchmarks
{
    private const string Service = "bench-kubernetes";
    private readonly ServiceOptions _options = new();
    private IHost _host = null!;
    private EndpointCatalog _catalog = null!;
    private V1EndpointSlice[] _slices = [];
    private long _version = 1;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _slices = [Slice("bench-0", 0), Slice("bench-1", 500)];
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<ServiceDiscoveryOptions>(options => options.LoadBalancing.HealthCheck.Enabled = false);
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(siloPort: 21411, gatewayPort: 31411)
            .AddServiceDiscoveryGrains());
        _host = builder.Build();
        await _host.StartAsync();
        _catalog = _host.Services.GetRequiredService<EndpointCatalog>();
        await _catalog.PublishAsync(Service, new EndpointSetUpdate(EndpointSliceWatcher.SourceName, _version, Map(), DateTimeOffset.UtcNow));
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    [Benchmark]
    public ImmutableArray<ServiceEndpoint> Map() => EndpointSliceMapper.Map(_slices, _options);

    [Benchmark]
    public async Task<ApplyResult> MapAndPublish()
    {
        // Every other update drops one endpoint, so each publish changes the grain's instances.
        var endpoints = Map();
        var version = ++_version;
        var set = version % 2 == 0 ? endpoints.RemoveAt((int)(version % endpoints.Length)) : endpoints;
        return await _catalog.PublishAsync(Service, new EndpointSetUpdate(EndpointSliceWatcher.SourceName, version, set, DateTimeOffset.UtcNow));
    }

    private static V1EndpointSlice Slice(string name, int first) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = "trading-system",
            ResourceVersion = "1",
            Labels = new Dictionary<string, string> { [EndpointSliceMapper.ServiceNameLabel] = Service },
        },
        AddressType = "IPv4",
        Ports = [new Discoveryv1EndpointPort { Name = "http", Port = 8080 }],
        Endpoints = [.. Enumerable.Range(first, 500).Select(i => new V1Endpoint
        {
            Addresses = [$"10.{i / 250}.{i % 250}.1"],
            Conditions = new V1EndpointConditions { Ready = true, Serving = true, Terminating = false },
            Zone = $"zone-{i % 3}",
        })],
    };
}
