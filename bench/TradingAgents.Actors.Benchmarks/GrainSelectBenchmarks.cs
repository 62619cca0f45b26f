using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Hosting;

namespace TradingAgents.Actors.Benchmarks;

/// <summary>
/// <c>SelectAsync</c> through a co-hosted service grain, per policy and instance count: what a
/// gateway pays per request for a selection (target: mean ≤ 10 µs on a 2-core machine).
/// </summary>
[MemoryDiagnoser]
public class GrainSelectBenchmarks
{
    private IHost _host = null!;
    private IServiceGrain _grain = null!;

    [Params(LoadBalancingAlgorithms.RoundRobin, LoadBalancingAlgorithms.LeastConnections, LoadBalancingAlgorithms.WeightedRandom,
        LoadBalancingAlgorithms.HealthAware, LoadBalancingAlgorithms.PowerOfTwoChoices)]
    public string Algorithm { get; set; } = LoadBalancingAlgorithms.RoundRobin;

    [Params(3, 30, 300)]
    public int Instances { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var service = $"bench-{Algorithm}";
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<ServiceDiscoveryOptions>(options =>
        {
            // No probes: the benchmark's endpoints do not exist and selection must not depend on them.
            options.LoadBalancing.HealthCheck.Enabled = false;
            options.Services[service] = new ServiceOptions { Algorithm = Algorithm };
        });
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(siloPort: 21111, gatewayPort: 31000)
            .AddServiceDiscoveryGrains());
        _host = builder.Build();
        await _host.StartAsync();

        var endpoints = Enumerable.Range(0, Instances)
            .Select(i => new ServiceEndpoint("127.0.0.1", 20000 + i, EndpointConditions.ReadyToServe, Weight: 1 + (i % 4)))
            .ToArray();
        var catalog = _host.Services.GetRequiredService<EndpointCatalog>();
        await catalog.PublishAsync(service, new EndpointSetUpdate("bench", 1, [.. endpoints], DateTimeOffset.UtcNow));
        _grain = _host.Services.GetRequiredService<IGrainFactory>().GetGrain<IServiceGrain>(service);
        var warm = await _grain.SelectAsync();
        if (!warm.IsSelected)
        {
            throw new InvalidOperationException($"Benchmark setup selected nothing: {warm.Reason}");
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    [Benchmark]
    public ValueTask<Selection> SelectAsync() => _grain.SelectAsync();
}
