using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Hosting;
using TradingAgents.Actors.Tests.Fakes;
using static TradingAgents.Actors.Tests.Fakes.Slices;

namespace TradingAgents.Actors.Tests.Hosting;

public sealed class KubernetesEndpointSourceExtensionsTests
{
    [Fact]
    public async Task AddKubernetesEndpointSource_Disabled_BuildsNoClientAndStartsNothing()
    {
        var clientsBuilt = 0;
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IKubernetes>(_ =>
        {
            clientsBuilt++;
            throw new InvalidOperationException("no client may be built while the source is disabled");
        });
        services.AddSingleton<IOptionsMonitor<ServiceDiscoveryOptions>>(new StaticOptionsMonitor<ServiceDiscoveryOptions>(new ServiceDiscoveryOptions()));
        services.AddSingleton<IEndpointSetPublisher>(new RecordingPublisher());
        services.AddKubernetesEndpointSource();
        await using var provider = services.BuildServiceProvider();

        var lifecycle = Participate(provider);
        await lifecycle.StartAsync();
        await lifecycle.StopAsync();

        Assert.Equal(0, clientsBuilt);
    }

    [Fact]
    public async Task AddKubernetesEndpointSource_Enabled_WatchesWhileTheSiloIsActive()
    {
        await using var server = await FakeKubernetesApiServer.StartAsync();
        server.Apply(Create("data-a", "data-service", [Endpoint("127.0.0.21")]));
        var publisher = new RecordingPublisher();
        var options = new ServiceDiscoveryOptions { Namespace = Namespace };
        options.Kubernetes.Enabled = true;
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(server.CreateClient());
        services.AddSingleton<IOptionsMonitor<ServiceDiscoveryOptions>>(new StaticOptionsMonitor<ServiceDiscoveryOptions>(options));
        services.AddSingleton<IEndpointSetPublisher>(publisher);
        services.AddSingleton<IListGenerationAgreement>(new LocalListGenerationAgreement(TimeProvider.System));
        services.AddKubernetesEndpointSource();
        await using var provider = services.BuildServiceProvider();

        var lifecycle = Participate(provider);
        await lifecycle.StartAsync();
        await publisher.WaitUntilAsync(p => p.Current.ContainsKey("data-service"));
        await server.WaitForRequestsAsync(_ => server.ActiveWatches == 1);
        await lifecycle.StopAsync();
        await server.WaitForNoWatchesAsync();

        Assert.Equal(["127.0.0.21:8080"], publisher.InstanceIds("data-service"));
    }

    private static RecordingLifecycle Participate(IServiceProvider provider)
    {
        var lifecycle = new RecordingLifecycle();
        foreach (var participant in provider.GetServices<ILifecycleParticipant<ISiloLifecycle>>())
        {
            participant.Participate(lifecycle);
        }

        Assert.Single(lifecycle.Observers);
        return lifecycle;
    }

    private sealed class RecordingLifecycle : ISiloLifecycle
    {
        public List<(int Stage, ILifecycleObserver Observer)> Observers { get; } = [];

        public int HighestCompletedStage => 0;

        public int LowestStoppedStage => 0;

        public IDisposable Subscribe(string observerName, int stage, ILifecycleObserver observer)
        {
            Assert.Equal(ServiceLifecycleStage.Active, stage);
            Observers.Add((stage, observer));
            return new Unsubscriber();
        }

        public async Task StartAsync()
        {
            foreach (var (_, observer) in Observers)
            {
                await observer.OnStart(CancellationToken.None);
            }
        }

        public async Task StopAsync()
        {
            foreach (var (_, observer) in Observers)
            {
                await observer.OnStop(CancellationToken.None);
            }
        }

        private sealed class Unsubscriber : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }
}
