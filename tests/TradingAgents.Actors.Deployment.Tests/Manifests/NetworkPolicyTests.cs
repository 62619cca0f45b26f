using k8s.Models;

namespace TradingAgents.Actors.Tests.Manifests;

/// <summary>
/// The rendered NetworkPolicies, evaluated with Kubernetes' semantics for the paths that matter: who
/// reaches the gateway's four ports and Redis, and where the gateway may connect.
/// </summary>
public sealed class NetworkPolicyTests
{
    private const string Namespace = "trading-system";

    private static readonly Peer AnyPod = Peer.Pod(Namespace, Labels(("app", "some-other-app")));
    private static readonly Peer PodElsewhere = Peer.Pod("other-team", Labels(("app", "some-other-app")));
    private static readonly Peer OrleansClient = Peer.Pod(Namespace, Labels(("app", "analysis-engine"), ("tradingagents.io/orleans-client", "true")));
    private static readonly Peer Prometheus = Peer.Pod("monitoring", Labels(("app.kubernetes.io/name", "prometheus")));
    private static readonly Peer PrometheusImpostor = Peer.Pod("other-team", Labels(("app.kubernetes.io/name", "prometheus")));
    private static readonly Peer ClusterDns = Peer.Pod("kube-system", Labels(("k8s-app", "kube-dns")), Port("dns", 53, "UDP"), Port("dns-tcp", 53, "TCP"));
    private static readonly Peer ApiServer = Peer.Address("198.51.100.1");

    public static TheoryData<string> AppRoots => new() { "base", "overlays/dev", "overlays/prod" };

    [Theory]
    [MemberData(nameof(AppRoots))]
    public async Task EveryPodOfTheApp_IsUnderDefaultDenyBothWays(string root)
    {
        var build = await KustomizeBuild.LoadAsync(root);
        var model = new NetworkPolicyModel(build.OfType<V1NetworkPolicy>());

        foreach (var deployment in build.OfType<V1Deployment>())
        {
            var pod = PodOf(deployment);
            foreach (var type in new[] { "Ingress", "Egress" })
            {
                Assert.True(
                    model.Selecting(pod, type).Any(p => (type == "Ingress" ? p.Spec.Ingress?.Count : p.Spec.Egress?.Count) is null or 0),
                    $"{root}: no default-deny {type} policy selects the pods of {deployment.Metadata.Name}.");
            }
        }
    }

    [Theory]
    [MemberData(nameof(AppRoots))]
    public async Task GatewayIngress_ClientsOnHttp_PrometheusOnMetrics_OrleansPortsOnlyFromSilosAndClients(string root)
    {
        var build = await KustomizeBuild.LoadAsync(root);
        var model = new NetworkPolicyModel(build.OfType<V1NetworkPolicy>());
        var gateway = PodOf(build.OfType<V1Deployment>().Single(d => d.Metadata.Name == "tradingagents-gateway"));
        int PortOf(string name) => gateway.Ports.Single(p => p.Name == name).ContainerPort;
        var (http, metrics, silo, orleansGateway) = (PortOf("http"), PortOf("metrics"), PortOf("silo"), PortOf("gateway"));

        Assert.True(model.Allows(AnyPod, gateway, http), "client traffic to http");
        Assert.True(model.Allows(PodElsewhere, gateway, http), "client traffic from another namespace to http");
        Assert.True(model.Allows(Prometheus, gateway, metrics), "Prometheus to metrics");
        Assert.False(model.Allows(PrometheusImpostor, gateway, metrics), "a pod labelled prometheus outside the monitoring namespace");
        Assert.False(model.Allows(AnyPod, gateway, metrics), "any pod to metrics");
        Assert.True(model.Allows(gateway, gateway, silo), "silo to silo");
        Assert.True(model.Allows(gateway, gateway, orleansGateway), "silo to Orleans gateway");
        Assert.True(model.Allows(OrleansClient, gateway, orleansGateway), "labelled client to Orleans gateway");
        Assert.False(model.Allows(OrleansClient, gateway, silo), "labelled client to the silo port");
        foreach (var port in new[] { silo, orleansGateway })
        {
            Assert.False(model.Allows(AnyPod, gateway, port), $"any pod to {port}: could call grains such as ApplyEndpointsAsync");
            Assert.False(model.Allows(PodElsewhere, gateway, port), $"a pod in another namespace to {port}");
        }
    }

    [Theory]
    [MemberData(nameof(AppRoots))]
    public async Task GatewayEgress_OnlyDnsApiServerBackendsSilosAndRedis(string root)
    {
        var build = await KustomizeBuild.LoadAsync(root);
        var model = new NetworkPolicyModel(build.OfType<V1NetworkPolicy>());
        var gateway = PodOf(build.OfType<V1Deployment>().Single(d => d.Metadata.Name == "tradingagents-gateway"));
        var options = ManifestConfig.Read(build);

        Assert.True(model.Allows(gateway, ClusterDns, 53, "UDP"), "DNS over UDP");
        Assert.True(model.Allows(gateway, ClusterDns, 53, "TCP"), "DNS over TCP");
        Assert.True(model.Allows(gateway, ApiServer, 443), "the API server");
        Assert.False(model.Allows(gateway, Peer.Address("203.0.113.9"), 80), "arbitrary egress");
        Assert.False(model.Allows(gateway, AnyPod, 8080), "an unrelated pod");
        foreach (var (logical, service) in options.Services)
        {
            var backend = Peer.Pod(Namespace, Labels(("app", logical)), Port("http", service.Port!.Value, "TCP"), Port("metrics", 9090, "TCP"));
            Assert.True(model.Allows(gateway, backend, service.Port.Value), $"gateway to {logical} on its configured port {service.Port}");
            Assert.False(model.Allows(gateway, backend, 9090), $"gateway to {logical}'s metrics port");
        }

        var redis = build.OfType<V1Deployment>().SingleOrDefault(d => d.Metadata.Name == "redis");
        // prod: a managed Redis outside the cluster.
        var redisPeer = redis is null ? Peer.Address("198.51.100.40") : PodOf(redis);
        Assert.True(model.Allows(gateway, redisPeer, 6379), "gateway to Redis");
    }

    [Fact]
    public async Task DevRedis_ReachableOnlyFromTheGateway()
    {
        var build = await KustomizeBuild.LoadAsync("overlays/dev");
        var model = new NetworkPolicyModel(build.OfType<V1NetworkPolicy>());
        var redis = PodOf(build.OfType<V1Deployment>().Single(d => d.Metadata.Name == "redis"));
        var gateway = PodOf(build.OfType<V1Deployment>().Single(d => d.Metadata.Name == "tradingagents-gateway"));

        Assert.True(model.Allows(gateway, redis, 6379));
        Assert.False(model.Allows(AnyPod, redis, 6379));
        Assert.False(model.Allows(OrleansClient, redis, 6379));
        Assert.False(model.Allows(redis, Peer.Address("203.0.113.9"), 443), "Redis needs no egress");
    }

    private static Peer PodOf(V1Deployment deployment) =>
        new(
            deployment.Metadata.NamespaceProperty,
            deployment.Spec.Template.Metadata.Labels.AsReadOnly(),
            [.. deployment.Spec.Template.Spec.Containers.SelectMany(c => c.Ports ?? [])]);

    private static Dictionary<string, string> Labels(params (string Key, string Value)[] labels) =>
        labels.ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal);

    private static V1ContainerPort Port(string name, int number, string protocol) =>
        new() { Name = name, ContainerPort = number, Protocol = protocol };
}
