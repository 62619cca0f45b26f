using k8s;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using TradingAgents.Actors.Discovery.Kubernetes;
using TradingAgents.Actors.Hosting;
using TradingAgents.Actors.Tests.Fakes;

namespace TradingAgents.Actors.Tests.EndToEnd;

/// <summary>
/// Two in-process silos configured as in production (<c>AddServiceDiscovery</c> with
/// <c>kubernetes.enabled</c>), each running its own EndpointSlice watcher against one fake API server
/// through the real KubernetesClient. Health probes are off: the endpoints are addresses nobody serves,
/// and this fixture tests what the watcher delivers, not probing.
/// </summary>
public sealed class KubernetesClusterFixture : IAsyncLifetime
{
    public const string Service = "data-service";

    public FakeKubernetesApiServer Server { get; private set; } = null!;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        Server = await FakeKubernetesApiServer.StartAsync();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["service_discovery:namespace"] = Slices.Namespace,
                ["service_discovery:kubernetes:enabled"] = "true",
                ["service_discovery:kubernetes:watch_timeout"] = "30",
                ["service_discovery:load_balancing:health_check:enabled"] = "false",
                [$"service_discovery:services:{Service}:algorithm"] = "round_robin",
            })
            .Build();

        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton<IKubernetes>(_ => Server.CreateClient());
            silo.Services.Configure<EndpointSliceWatcherOptions>(o =>
            {
                o.InitialBackoff = TimeSpan.FromMilliseconds(50);
                o.MaxBackoff = TimeSpan.FromMilliseconds(500);
            });
            silo.AddServiceDiscovery(configuration);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        await Server.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class KubernetesClusterCollection : ICollectionFixture<KubernetesClusterFixture>
{
    public const string Name = "Kubernetes cluster";
}
