using System.Globalization;
using System.Text.RegularExpressions;
using k8s.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TradingAgents.Actors.Silo.Hosting;

namespace TradingAgents.Actors.Tests.Manifests;

/// <summary>
/// The rules the rendered manifests must keep: layers that own only their objects, a watcher that
/// discovers the configured services, a stop budget that fits the longest call, Redis behind a
/// password, and disruption limits that hold at every replica count.
/// </summary>
public sealed partial class DeploymentRulesTests
{
    private const string Gateway = "tradingagents-gateway";
    private static readonly string[] Backends = ["analysis-engine", "data-service", "llm-service", "memory-service"];

    /// <summary>Seconds the kubelet leaves after the app's own shutdown budget before SIGKILL.</summary>
    private const int KillMargin = 5;

    public static TheoryData<string> AppRoots => new() { "base", "overlays/dev", "overlays/prod" };

    [Theory]
    [MemberData(nameof(AppRoots))]
    public async Task AppLayer_CreatesNoNamespaceAndNoBackendService(string root)
    {
        var build = await KustomizeBuild.LoadAsync(root);

        Assert.Empty(build.OfType<V1Namespace>());
        Assert.DoesNotContain(build.OfType<V1Service>(), s => s.Spec.Selector?.TryGetValue("app", out var app) == true && Backends.Contains(app));
    }

    [Fact]
    public async Task PlatformLayer_NamespacePinsEveryPodSecurityVersion()
    {
        var build = await KustomizeBuild.LoadAsync("platform");

        var ns = Assert.Single(build.OfType<V1Namespace>());
        Assert.Equal("trading-system", ns.Metadata.Name);
        foreach (var mode in new[] { "enforce", "warn", "audit" })
        {
            Assert.True(ns.Metadata.Labels.ContainsKey($"pod-security.kubernetes.io/{mode}"), $"no {mode} level");
            Assert.Matches(PinnedVersion(), ns.Metadata.Labels[$"pod-security.kubernetes.io/{mode}-version"]);
        }

        Assert.Empty(build.OfType<V1Deployment>());
    }

    [Fact]
    public async Task PlatformLayer_BackendServicesCarryTheConfiguredNamesAndPorts()
    {
        var platform = await KustomizeBuild.LoadAsync("platform");
        var options = ManifestConfig.Read(await KustomizeBuild.LoadAsync("base"));

        foreach (var (logical, service) in options.Services)
        {
            // The watcher takes the EndpointSlice port whose number is the configured port: the Service's targetPort.
            var kubernetes = Assert.Single(platform.OfType<V1Service>(), s => s.Metadata.Name == (service.ServiceName ?? logical));
            Assert.Equal("trading-system", kubernetes.Metadata.NamespaceProperty);
            Assert.Contains(kubernetes.Spec.Ports, p => p.Name == "http" && p.TargetPort.Value == service.Port!.Value.ToString(CultureInfo.InvariantCulture));
            Assert.Equal(logical, kubernetes.Spec.Selector["app"]);
        }
    }

    [Theory]
    [MemberData(nameof(AppRoots))]
    public async Task ConfigMap_WatcherEnabledRestrictedToConfiguredServicesInThePodsNamespace(string root)
    {
        var build = await KustomizeBuild.LoadAsync(root);
        var options = ManifestConfig.Read(build);
        var container = GatewayContainer(build);

        Assert.True(options.Kubernetes.Enabled, "kubernetes.enabled: without it the gateway discovers nothing.");
        Assert.True(options.Kubernetes.RestrictToConfigured, "kubernetes.restrict_to_configured: without it headless twins, Redis and the gateway itself become routable.");
        Assert.Equal(Backends, options.Services.Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotMatch(NamespaceKey(), ManifestConfig.Yaml(build));
        Assert.Equal("metadata.namespace", Assert.Single(container.Env, e => e.Name == "POD_NAMESPACE").ValueFrom.FieldRef.FieldPath);
        Assert.All(options.Services.Values, s => Assert.True(s.Endpoints.Count == 0, "static endpoints in the cluster config would bypass the watcher"));
    }

    [Theory]
    [MemberData(nameof(AppRoots))]
    public async Task Gateway_KnowsItsNodeFromTheDownwardApi(string root)
    {
        var build = await KustomizeBuild.LoadAsync(root);
        var container = GatewayContainer(build);

        // Zone and node affinity: NODE_NAME is the node; the zone is learned from instances on it.
        Assert.Equal("spec.nodeName", Assert.Single(container.Env, e => e.Name == "NODE_NAME").ValueFrom.FieldRef.FieldPath);
    }

    [Theory]
    [MemberData(nameof(AppRoots))]
    public async Task Gateway_TerminationGracePeriod_FitsTheLongestCall(string root)
    {
        var build = await KustomizeBuild.LoadAsync(root);
        var options = ManifestConfig.Read(build);
        var pod = build.OfType<V1Deployment>().Single(d => d.Metadata.Name == Gateway).Spec.Template.Spec;
        var container = GatewayContainer(build);
        var longestCall = options.Services.Keys.Select(options.GetTimeout).Append(options.DefaultTimeout).Max();
        var drain = int.Parse(Assert.Single(container.Env, e => e.Name == "Gateway__DrainTimeoutSeconds").Value, CultureInfo.InvariantCulture);
        var preStop = container.Lifecycle.PreStop.Sleep.Seconds;

        // The app's own budget after SIGTERM (drain, then the silo's leave), as the real host computes it.
        var shutdown = ShutdownTimeout(drain);

        Assert.True(drain >= longestCall.TotalSeconds, $"{root}: the drain ({drain} s) must outlast the longest call ({longestCall.TotalSeconds} s) or rollouts cut it.");
        Assert.Equal(preStop + (long)shutdown.TotalSeconds + KillMargin, pod.TerminationGracePeriodSeconds);
    }

    [Theory]
    [InlineData("overlays/dev")]
    [InlineData("overlays/prod")]
    public async Task Redis_PasswordAndConnectionStringComeFromASecret(string root)
    {
        var build = await KustomizeBuild.LoadAsync(root);
        var connection = Assert.Single(GatewayContainer(build).Env, e => e.Name == "Cluster__RedisConnectionString");
        Assert.Null(connection.Value);
        var reference = connection.ValueFrom.SecretKeyRef;
        Assert.Equal("connection-string", reference.Key);

        var redis = build.OfType<V1Deployment>().SingleOrDefault(d => d.Metadata.Name == "redis");
        if (redis is null)
        {
            // prod: the operators create the Secret; nothing in the build may carry it.
            Assert.Equal("tradingagents-redis", reference.Name);
            Assert.Empty(build.OfType<V1Secret>());
            return;
        }

        var secret = Assert.Single(build.OfType<V1Secret>(), s => s.Metadata.Name == reference.Name);
        var container = Assert.Single(redis.Spec.Template.Spec.Containers);
        var password = Assert.Single(container.Env, e => e.Name == "REDIS_PASSWORD").ValueFrom.SecretKeyRef;
        Assert.Equal((secret.Metadata.Name, "password"), (password.Name, password.Key));
        var args = container.Args.ToList();
        Assert.Equal("$(REDIS_PASSWORD)", args[args.IndexOf("--requirepass") + 1]);
        var secretPassword = Text(secret, "password");
        Assert.False(string.IsNullOrWhiteSpace(secretPassword));
        Assert.Contains($"password={secretPassword}", Text(secret, "connection-string"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AppRoots))]
    public async Task Disruption_PdbTakesOneAtATime_MemoryRequestEqualsLimit(string root)
    {
        var build = await KustomizeBuild.LoadAsync(root);

        var pdb = Assert.Single(build.OfType<V1PodDisruptionBudget>());
        Assert.Equal("1", pdb.Spec.MaxUnavailable?.Value);
        Assert.Null(pdb.Spec.MinAvailable);
        foreach (var container in build.OfType<V1Deployment>().SelectMany(d => d.Spec.Template.Spec.Containers))
        {
            Assert.True(container.Resources.Requests.ContainsKey("cpu"), $"{container.Name}: no CPU request");
            Assert.Equal(container.Resources.Limits["memory"], container.Resources.Requests["memory"]);
        }

        foreach (var hpa in build.OfType<V2HorizontalPodAutoscaler>())
        {
            Assert.True(hpa.Spec.MinReplicas >= 3, "three silos at least: two stay through a disruption and can vote a dead one out");
        }
    }

    [Fact]
    public async Task OrleansHostingComponent_NeedsNoPodPatch_BecauseTheLabelsAreTheClusterIds()
    {
        var build = await KustomizeBuild.LoadOverlayAsync(["overlays/prod"], ["components/orleans-kubernetes-hosting"]);
        var deployment = build.OfType<V1Deployment>().Single(d => d.Metadata.Name == Gateway);
        var env = GatewayContainer(build).Env;
        var labels = deployment.Spec.Template.Metadata.Labels;

        var pods = Assert.Single(build.OfType<V1Role>().SelectMany(r => r.Rules), r => r.Resources.Contains("pods"));
        Assert.Equal(["get", "list", "watch"], pods.Verbs.Order(StringComparer.Ordinal));

        // Orleans patches its pod only when these labels differ from ClusterOptions; they cannot.
        Assert.Equal("metadata.labels['orleans/serviceId']", env.Single(e => e.Name == "ORLEANS_SERVICE_ID").ValueFrom.FieldRef.FieldPath);
        Assert.Equal("metadata.labels['orleans/clusterId']", env.Single(e => e.Name == "ORLEANS_CLUSTER_ID").ValueFrom.FieldRef.FieldPath);
        Assert.Equal(env.Single(e => e.Name == "Cluster__ServiceId").Value, labels["orleans/serviceId"]);
        Assert.Equal(env.Single(e => e.Name == "Cluster__ClusterId").Value, labels["orleans/clusterId"]);
    }

    private static TimeSpan ShutdownTimeout(int drainSeconds)
    {
        var builder = GatewayApp.CreateBuilder([], configuration => configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:DrainTimeoutSeconds"] = drainSeconds.ToString(CultureInfo.InvariantCulture),
        }));
        using var provider = builder.Services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
    }

    private static V1Container GatewayContainer(KustomizeBuild build) =>
        build.OfType<V1Deployment>().Single(d => d.Metadata.Name == Gateway).Spec.Template.Spec.Containers.Single(c => c.Name == "gateway");

    private static string Text(V1Secret secret, string key) =>
        secret.StringData?.TryGetValue(key, out var text) == true ? text : System.Text.Encoding.UTF8.GetString(secret.Data[key]);

    // service_discovery.namespace would override POD_NAMESPACE.
    [GeneratedRegex(@"(?m)^  namespace:")]
    private static partial Regex NamespaceKey();

    [GeneratedRegex(@"^v1\.[0-9]+$")]
    private static partial Regex PinnedVersion();
}
