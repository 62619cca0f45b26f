using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using k8s;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Discovery.Kubernetes;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Hosting;
using TradingAgents.Actors.Tests.Fakes;
using Xunit.Abstractions;
using TradingAgents.Actors.Tests.Infrastructure;
using static TradingAgents.Actors.Tests.Fakes.Slices;

namespace TradingAgents.Actors.Tests.EndToEnd;

/// <summary>
/// Silos in production shape (Redis membership on a real redis-server, <c>AddServiceDiscovery</c> with
/// the watcher on) against one fake API server whose history starts again lower, as after an etcd
/// restore: the new truth must be served within 5 s, with no restart, and agreed by every silo.
/// </summary>
public sealed class HistoryRestartTests(ITestOutputHelper output)
{
    private const string Service = "data-service";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Select_ApiServerHistoryRestartsLower_ServesTheNewTruthWithin5SecondsOnEverySilo(int silos)
    {
        await using var redis = await RedisServer.StartAsync();
        await using var server = await FakeKubernetesApiServer.StartAsync();
        server.Apply(Create("data-a", Service, [Endpoint("127.0.2.1"), Endpoint("127.0.2.2")]));
        for (var i = 0; i < 50; i++)
        {
            // Some history, so that the restored one starts well below it.
            server.Apply(Create("filler", "other-service", [Endpoint($"127.0.3.{i + 1}")]));
        }

        var clusterId = $"history-{Guid.NewGuid():N}";
        var hosts = new List<IHost>();
        try
        {
            for (var i = 0; i < silos; i++)
            {
                var host = BuildSilo(redis.ConnectionString, clusterId, server);
                await host.StartAsync();
                hosts.Add(host);
            }

            var grains = hosts[0].Services.GetRequiredService<IGrainFactory>();
            var grain = grains.GetGrain<IServiceGrain>(Service);
            await WaitAsync(async () => Ids(await grain.GetSnapshotAsync()) is ["127.0.2.1:8080", "127.0.2.2:8080"], "the first history to be served", TimeSpan.FromSeconds(30));
            var before = KubernetesSet(await grain.GetSnapshotAsync());

            server.Restore(revision: 5, [Create("data-a", Service, [Endpoint("127.0.2.3")])]);
            var restored = Stopwatch.GetTimestamp();
            await WaitAsync(
                async () => Ids(await grain.GetSnapshotAsync()) is ["127.0.2.3:8080"] && await SelectsOnlyAsync(grain, "127.0.2.3:8080"),
                "the restored history to be served",
                TimeSpan.FromSeconds(10));
            var recovery = Stopwatch.GetElapsedTime(restored);
            output.WriteLine($"{silos} silo(s): restored history served after {recovery.TotalMilliseconds:0} ms");
            Assert.True(recovery < TimeSpan.FromSeconds(5), $"the restored history was served after {recovery}");

            var after = KubernetesSet(await grain.GetSnapshotAsync());
            Assert.True(after.Generation > before.Generation, $"generation {after.Generation} after {before.Generation}");
            Assert.True(after.Version < before.Version, $"version {after.Version} after {before.Version}");

            // Every silo's catalog lands on the same generation: they agreed, not each on its own.
            await WaitAsync(
                () => Task.FromResult(hosts.All(h => CatalogSet(h)?.Generation == after.Generation && CatalogSet(h)?.Endpoints.Length == 1)),
                "every silo's catalog to hold the agreed generation",
                TimeSpan.FromSeconds(10));

            // The new history goes on: a change in it is served.
            var added = server.Apply(Create("data-b", Service, [Endpoint("127.0.2.4")]));
            await WaitAsync(async () => KubernetesSet(await grain.GetSnapshotAsync()).Version == added, "a change in the new history", TimeSpan.FromSeconds(10));
            Assert.Equal(["127.0.2.3:8080", "127.0.2.4:8080"], Ids(await grain.GetSnapshotAsync()));

            // A silo that has not noticed yet delivers the old history: it rolls nothing back.
            var late = new EndpointSetUpdate(EndpointSliceWatcher.SourceName, before.Version, [new ServiceEndpoint("127.0.2.1", 8080, EndpointConditions.ReadyToServe, null, null, 1, null)], DateTimeOffset.UtcNow, before.Generation);
            Assert.Equal(ApplyResult.Stale, await grain.ApplyEndpointsAsync(late));
            Assert.Equal(["127.0.2.3:8080", "127.0.2.4:8080"], Ids(await grain.GetSnapshotAsync()));
        }
        finally
        {
            foreach (var host in Enumerable.Reverse(hosts))
            {
                await host.StopAsync();
                host.Dispose();
            }
        }
    }

    private static IHost BuildSilo(string redis, string clusterId, FakeKubernetesApiServer server)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["service_discovery:namespace"] = Namespace,
                ["service_discovery:kubernetes:enabled"] = "true",
                ["service_discovery:kubernetes:watch_timeout"] = "30",
                ["service_discovery:load_balancing:health_check:enabled"] = "false",
                [$"service_discovery:services:{Service}:algorithm"] = "round_robin",
            })
            .Build();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo =>
        {
            silo.UseRedisClustering(redis);
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, clusterId));
            silo.Configure<ClusterMembershipOptions>(o => (o.ProbeTimeout, o.NumMissedProbesLimit) = (TimeSpan.FromSeconds(1), 2));
            silo.ConfigureEndpoints(IPAddress.Loopback, FreePort.Next(), FreePort.Next());
            silo.Services.AddSingleton<IKubernetes>(_ => server.CreateClient());
            silo.AddServiceDiscovery(configuration);
        });
        return builder.Build();
    }

    private static EndpointSetUpdate? CatalogSet(IHost host) =>
        host.Services.GetRequiredService<EndpointCatalog>().GetSets(Service).SingleOrDefault(s => s.Source == EndpointSliceWatcher.SourceName);

    private static SourceSync KubernetesSet(ServiceSnapshot snapshot) =>
        snapshot.Sources.Single(s => s.Source == EndpointSliceWatcher.SourceName);

    private static string[] Ids(ServiceSnapshot snapshot) => [.. snapshot.Instances.Select(i => i.InstanceId).Order(StringComparer.Ordinal)];

    private static async Task<bool> SelectsOnlyAsync(IServiceGrain grain, string instanceId)
    {
        for (var i = 0; i < 4; i++)
        {
            var selection = await grain.SelectAsync();
            if (!selection.IsSelected || selection.Endpoint.InstanceId != instanceId)
            {
                return false;
            }
        }

        return true;
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what, TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        while (!await condition())
        {
            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting for {what}.");
            }

            // Yield to the silos between observations; this is not a timed expectation.
            await Task.Delay(10);
        }
    }
}
