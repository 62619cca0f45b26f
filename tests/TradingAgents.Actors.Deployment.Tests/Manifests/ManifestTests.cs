using k8s.Models;
using Microsoft.Extensions.Configuration;
using TradingAgents.Actors.Configuration;

namespace TradingAgents.Actors.Tests.Manifests;

/// <summary>
/// Every Kustomize root builds, every object is a known kind without unknown fields, and the objects
/// agree with each other and with what the gateway does.
/// </summary>
public sealed class ManifestTests
{
    private const string Gateway = "tradingagents-gateway";
    private static readonly string[] Backends = ["analysis-engine", "data-service", "llm-service", "memory-service"];

    public static TheoryData<string> Roots => new() { "base", "overlays/dev", "overlays/prod" };

    [Theory]
    [MemberData(nameof(Roots))]
    public async Task Build_EveryObject_IsATypedKnownKindWithOneGatewayDeployment(string root)
    {
        var build = await KustomizeBuild.LoadAsync(root);

        Assert.NotEmpty(build.Objects);
        Assert.Single(build.OfType<V1Deployment>(), d => d.Metadata.Name == Gateway);
        Assert.All(build.Objects, o => Assert.Equal("trading-system", NamespaceOf(o)));
    }

    [Theory]
    [MemberData(nameof(Roots))]
    public async Task Services_Selectors_MatchADeploymentsPodsOrABackendApp(string root)
    {
        var build = await KustomizeBuild.LoadAsync(root);

        foreach (var service in build.OfType<V1Service>())
        {
            var selector = service.Spec.Selector;
            Assert.True(selector is { Count: > 0 }, $"{root}: Service {service.Metadata.Name} has no selector.");
            var deployment = build.OfType<V1Deployment>().SingleOrDefault(d => Matches(selector, d.Spec.Template.Metadata.Labels));
            if (deployment is null)
            {
                // The backends are deployed by their own teams: their Services select app=<logical name>.
                Assert.True(
                    selector.Count == 1 && selector.TryGetValue("app", out var app) && Backends.Contains(app),
                    $"{root}: Service {service.Metadata.Name} selects {Describe(selector)}, which matches no Deployment's pod labels and no backend app.");
                continue;
            }

            Assert.True(Matches(deployment.Spec.Selector.MatchLabels, deployment.Spec.Template.Metadata.Labels), $"{root}: Deployment {deployment.Metadata.Name} does not select its own pods.");
            foreach (var port in service.Spec.Ports)
            {
                var target = port.TargetPort?.Value ?? port.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(
                    ContainerPorts(deployment).Any(p => p.Name == target || p.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture) == target),
                    $"{root}: Service {service.Metadata.Name} port {port.Name} targets {target}, which no container of {deployment.Metadata.Name} declares.");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Roots))]
    public async Task Gateway_ConfigMapAndProbes_ReferToWhatExists(string root)
    {
        var build = await KustomizeBuild.LoadAsync(root);
        var deployment = build.OfType<V1Deployment>().Single(d => d.Metadata.Name == Gateway);
        var pod = deployment.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers, c => c.Name == "gateway" || pod.Containers.Count == 1);

        var configMap = build.OfType<V1ConfigMap>().Single(c => c.Metadata.Name == "service-discovery-config");
        Assert.True(configMap.Data.ContainsKey("config.yaml"), $"{root}: ConfigMap service-discovery-config has no key config.yaml.");
        var volume = Assert.Single(pod.Volumes, v => v.ConfigMap?.Name == configMap.Metadata.Name);
        var mount = Assert.Single(container.VolumeMounts, m => m.Name == volume.Name);
        Assert.Null(mount.SubPath);
        var configPath = Assert.Single(container.Env, e => e.Name == "SERVICE_DISCOVERY_CONFIG").Value;
        Assert.Equal($"{mount.MountPath.TrimEnd('/')}/config.yaml", configPath);

        var portNames = container.Ports.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var probe in new[] { container.LivenessProbe, container.ReadinessProbe, container.StartupProbe }.Where(p => p?.HttpGet is not null))
        {
            Assert.Contains(probe!.HttpGet.Port.Value, portNames);
        }

        Assert.Contains(container.Env, e => e.Name == "Metrics__Port" && container.Ports.Any(p => p.Name == "metrics" && p.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture) == e.Value));
    }

    [Theory]
    [InlineData("overlays/dev")]
    [InlineData("overlays/prod")]
    public async Task ServiceMonitor_SelectsTheGatewayServiceByAPortItHas(string root)
    {
        var build = await KustomizeBuild.LoadAsync(root);
        var monitor = Assert.Single(build.OfType<ServiceMonitorResource>());

        var services = build.OfType<V1Service>().Where(s => Matches(monitor.Spec.Selector.MatchLabels, s.Metadata.Labels)).ToList();

        var service = Assert.Single(services);
        Assert.True(Matches(service.Spec.Selector, build.OfType<V1Deployment>().Single(d => d.Metadata.Name == Gateway).Spec.Template.Metadata.Labels));
        Assert.All(monitor.Spec.Endpoints, e =>
        {
            Assert.Contains(service.Spec.Ports, p => p.Name == e.Port);
            Assert.True(e.HonorLabels, "honorLabels must be true: the gateway's own service/instance labels would be renamed otherwise.");
        });
        Assert.Equal(["trading-system"], monitor.Spec.NamespaceSelector?.MatchNames);
        Assert.NotEmpty(Assert.Single(build.OfType<PrometheusRuleResource>()).Spec.Groups.SelectMany(g => g.Rules));
    }

    [Theory]
    [MemberData(nameof(Roots))]
    public async Task Rbac_RoleGrantsExactlyEndpointSliceReadsToTheGatewaysServiceAccount(string root)
    {
        var build = await KustomizeBuild.LoadAsync(root);
        var deployment = build.OfType<V1Deployment>().Single(d => d.Metadata.Name == Gateway);
        var account = deployment.Spec.Template.Spec.ServiceAccountName;
        Assert.Contains(build.OfType<V1ServiceAccount>(), a => a.Metadata.Name == account);

        var role = Assert.Single(build.OfType<V1Role>());
        var rule = Assert.Single(role.Rules);
        Assert.Equal(["discovery.k8s.io"], rule.ApiGroups);
        Assert.Equal(["endpointslices"], rule.Resources);
        Assert.Equal(["get", "list", "watch"], rule.Verbs.Order(StringComparer.Ordinal));
        Assert.Null(rule.ResourceNames);

        var binding = Assert.Single(build.OfType<V1RoleBinding>());
        Assert.Equal(("rbac.authorization.k8s.io", "Role", role.Metadata.Name), (binding.RoleRef.ApiGroup, binding.RoleRef.Kind, binding.RoleRef.Name));
        var subject = Assert.Single(binding.Subjects);
        Assert.Equal(("ServiceAccount", account, "trading-system"), (subject.Kind, subject.Name, subject.NamespaceProperty));
    }

    [Theory]
    [MemberData(nameof(Roots))]
    public async Task ConfigMap_ConfigYaml_ReadsWithoutErrors(string root)
    {
        var build = await KustomizeBuild.LoadAsync(root);
        var yaml = build.OfType<V1ConfigMap>().Single(c => c.Metadata.Name == "service-discovery-config").Data["config.yaml"];
        var file = Path.Combine(Directory.CreateTempSubdirectory("ta-config-").FullName, "config.yaml");
        await File.WriteAllTextAsync(file, yaml);
        try
        {
            var configuration = new ConfigurationBuilder().AddServiceDiscoveryYaml(file, optional: false, reloadOnChange: false).Build();

            var result = ServiceDiscoveryConfigurationReader.Read(configuration);

            Assert.True(result.IsValid, result.FormatErrors());
            Assert.Equal(Backends, result.Options.Services.Keys.Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }

    private static string? NamespaceOf(object o) => o switch
    {
        V1Namespace => "trading-system",
        IMetadata<V1ObjectMeta> m => m.Metadata.NamespaceProperty,
        _ => null,
    };

    private static IEnumerable<V1ContainerPort> ContainerPorts(V1Deployment deployment) =>
        deployment.Spec.Template.Spec.Containers.SelectMany(c => c.Ports ?? []);

    private static bool Matches(IDictionary<string, string>? selector, IDictionary<string, string>? labels) =>
        selector is { Count: > 0 } && labels is not null && selector.All(s => labels.TryGetValue(s.Key, out var value) && value == s.Value);

    private static string Describe(IDictionary<string, string> selector) => string.Join(",", selector.Select(s => $"{s.Key}={s.Value}"));
}
