using System.Diagnostics;
using k8s;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.TestingHost;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Hosting;
using TradingAgents.Actors.Tests.Fakes;
using static TradingAgents.Actors.Tests.Fakes.Slices;

namespace TradingAgents.Actors.Tests.EndToEnd;

public sealed class OrphanedInstanceTests
{
    [Fact]
    public async Task Probe_EndpointListedByNoSource_InstanceGrainRetiresItselfAfterCacheTtl()
    {
        await using var server = await FakeKubernetesApiServer.StartAsync();
        server.Apply(Create("data-a", "data-service", [Endpoint("127.0.8.1")]));
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
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
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

    private static async Task<int> InstanceActivationsAsync(IManagementGrain management) =>
        (await management.GetSimpleGrainStatistics()).Where(s => s.GrainType.Contains("InstanceGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
}
