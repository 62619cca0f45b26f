using System.Diagnostics;
using k8s;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.TestingHost;
using TradingAgents.Actors.Diagnostics;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Hosting;
using TradingAgents.Actors.Tests.Fakes;
using static TradingAgents.Actors.Tests.Fakes.Slices;

namespace TradingAgents.Actors.Tests.EndToEnd;

public sealed class InstanceLifecycleTests
{
    [Fact]
    public async Task Probe_EndpointListedByNoSource_InstanceGrainRetiresItselfAfterCacheTtl()
    {
        await using var server = await FakeKubernetesApiServer.StartAsync();
        server.Apply(Create("data-a", "data-service", [Endpoint("127.0.8.1")]));
        await using var cluster = await StartClusterAsync(server);
        try
        {
            var client = cluster.Client;
            var management = client.GetGrain<IManagementGrain>(0);
            await client.GetGrain<IServiceGrain>("data-service").GetSnapshotAsync();

            // What a service grain that died leaves behind: an instance grain probing an endpoint that
            // no source lists, which no service grain will ever retire.
            var orphan = client.GetGrain<IInstanceGrain>(InstanceKey.Format("data-service", "127.0.8.9:8080"));
            await orphan.ConfigureAsync(new ServiceEndpoint("127.0.8.9", 8080, EndpointConditions.ReadyToServe, null, null, 1, null));
            Assert.Equal(2, await InstanceActivationsAsync(management));

            var started = Stopwatch.GetTimestamp();
            while (await InstanceActivationsAsync(management) != 1)
            {
                Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(15), "the orphaned instance grain was never retired");

                // Yield to the silo between observations; this is not a timed expectation.
                await Task.Delay(20);
            }

            // The listed endpoint's grain is still there and still probing.
            var listed = await client.GetGrain<IInstanceGrain>(InstanceKey.Format("data-service", "127.0.8.1:8080")).GetDetailsAsync();
            Assert.NotNull(listed.Endpoint);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
        }
    }

    [Fact]
    public async Task Churn_200EndpointsProbedThenRemoved_CounterSeriesReturnToTheirStartingLevel()
    {
        await using var server = await FakeKubernetesApiServer.StartAsync();
        server.Apply(Create("data-a", "data-service", [Endpoint("127.0.8.1")]));
        await using var cluster = await StartClusterAsync(server);
        try
        {
            var grain = cluster.Client.GetGrain<IServiceGrain>("data-service");
            await WaitAsync(async () => (await grain.GetSnapshotAsync()).Instances.Count == 1 && SeriesCount(cluster) >= 1, "the base endpoint to be probed");
            var baseline = SeriesCount(cluster);

            for (var round = 0; round < 10; round++)
            {
                // 20 endpoints at a time, each probed at least once (a series each), then all removed.
                var addresses = Enumerable.Range(1, 20).Select(i => $"127.0.9.{(round * 20) + i}").ToList();
                server.Apply(Create("data-churn", "data-service", addresses.Select(a => Endpoint(a))));
                await WaitAsync(() => Task.FromResult(SeriesCount(cluster) >= baseline + 20), $"round {round}'s endpoints to be probed");
                server.Delete(Namespace, "data-churn");
                await WaitAsync(async () => (await grain.GetSnapshotAsync()).Instances.Count == 1, $"round {round}'s endpoints to be removed");
            }

            await WaitAsync(() => Task.FromResult(SeriesCount(cluster) == baseline), "the counter series to return to their starting level");
            Assert.Equal(baseline, SeriesCount(cluster));
        }
        finally
        {
            await cluster.StopAllSilosAsync();
        }
    }

    private static int SeriesCount(InProcessTestCluster cluster) =>
        cluster.Silos.Sum(s => s.ServiceProvider.GetRequiredService<DiscoveryInstruments>().SeriesCount);

    private static async Task<InProcessTestCluster> StartClusterAsync(FakeKubernetesApiServer server)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["service_discovery:namespace"] = Namespace,
                ["service_discovery:cache_ttl"] = "1",
                ["service_discovery:kubernetes:enabled"] = "true",
                ["service_discovery:load_balancing:health_check:interval"] = "0.2",
                ["service_discovery:load_balancing:health_check:timeout"] = "0.1",
            })
            .Build();
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton<IKubernetes>(_ => server.CreateClient());
            silo.AddServiceDiscovery(configuration);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var started = Stopwatch.GetTimestamp();
        while (!await condition())
        {
            Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(20), $"timed out waiting for {what}");

            // Yield to the silo between observations; this is not a timed expectation.
            await Task.Delay(20);
        }
    }

    private static async Task<int> InstanceActivationsAsync(IManagementGrain management) =>
        (await management.GetSimpleGrainStatistics()).Where(s => s.GrainType.Contains("InstanceGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
}
