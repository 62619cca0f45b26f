using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Discovery.Kubernetes;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Tests.Fakes;
using static TradingAgents.Actors.Tests.Fakes.Slices;

namespace TradingAgents.Actors.Tests.EndToEnd;

[Collection(KubernetesClusterCollection.Name)]
public sealed class KubernetesChurnTests(KubernetesClusterFixture fixture)
{
    private const int Cycles = 1000;

    [Fact]
    public async Task Churn_1000PodsAndServicesAddedAndRemoved_ActivationsAndRetainedStateReturnToTheirStartingLevel()
    {
        var server = fixture.Server;
        var management = fixture.Client.GetGrain<IManagementGrain>(0);
        var grain = fixture.Client.GetGrain<IServiceGrain>(KubernetesClusterFixture.Service);
        server.Apply(Create("churn-base", KubernetesClusterFixture.Service, [Endpoint("127.0.6.1")]));
        await WaitAsync(async () => (await grain.GetSnapshotAsync()).Instances.Any(i => i.InstanceId == "127.0.6.1:8080"), "the base endpoint");
        var baseline = await MeasureAsync(management);
        var instances = (await grain.GetSnapshotAsync()).Instances.Select(i => i.InstanceId).ToList();

        for (var i = 0; i < Cycles; i++)
        {
            // A pod that comes and goes in a known service, and a service that comes and goes.
            var address = $"127.0.{7 + (i / 250)}.{(i % 250) + 1}";
            server.Apply(Create("churn-pod", KubernetesClusterFixture.Service, [Endpoint(address)]));
            server.Delete(Namespace, "churn-pod");
            var service = $"churn-service-{i}";
            server.Apply(Create($"{service}-a", service, [Endpoint(address)]));
            var last = server.Delete(Namespace, $"{service}-a");
            if (i % 50 == 49)
            {
                // Keep the watchers at most a few hundred changes behind, as a real cluster's rate would.
                await WaitAsync(() => Task.FromResult(fixture.Cluster.Silos.All(s => Catalog(s).GetKnownServices().Count <= baseline.KnownServices + 2)), $"cycle {i} to be delivered (version {last})");
            }
        }

        var after = await WaitForAsync(management, baseline);
        Assert.Equal(baseline, after);
        Assert.Equal(instances, (await grain.GetSnapshotAsync()).Instances.Select(i => i.InstanceId));
        Assert.Equal(SelectionStatus.UnknownService, (await fixture.Client.GetGrain<IServiceGrain>($"churn-service-{Cycles - 1}").SelectAsync()).Status);
    }

    private async Task<Level> WaitForAsync(IManagementGrain management, Level baseline)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var level = await MeasureAsync(management);
            if (level == baseline)
            {
                return level;
            }

            if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(60))
            {
                return level;
            }

            // Yield to the silos between observations; this is not a timed expectation.
            await Task.Delay(20);
        }
    }

    private async Task<Level> MeasureAsync(IManagementGrain management)
    {
        var statistics = await management.GetSimpleGrainStatistics();
        int Activations(string type) => statistics.Where(s => s.GrainType.Contains(type, StringComparison.Ordinal)).Sum(s => s.ActivationCount);
        var silos = fixture.Cluster.Silos;
        return new Level(
            Activations(nameof(ServiceGrain)),
            Activations(nameof(InstanceGrain)),
            silos.Sum(s => Catalog(s).Count),
            silos.Max(s => Catalog(s).GetKnownServices().Count),
            silos.Sum(s => s.ServiceProvider.GetRequiredService<EndpointSliceWatcher>().RetainedServices),
            silos.Sum(s => s.ServiceProvider.GetRequiredService<KubernetesWatcherInstruments>().SyncedServices));
    }

    private static EndpointCatalog Catalog(Orleans.TestingHost.InProcessSiloHandle silo) => silo.ServiceProvider.GetRequiredService<EndpointCatalog>();

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var started = Stopwatch.GetTimestamp();
        while (!await condition())
        {
            if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            // Yield to the silos between observations; this is not a timed expectation.
            await Task.Delay(10);
        }
    }

    private sealed record Level(int ServiceGrains, int InstanceGrains, int CatalogEntries, int KnownServices, int WatcherRetained, int SyncSeries);
}
