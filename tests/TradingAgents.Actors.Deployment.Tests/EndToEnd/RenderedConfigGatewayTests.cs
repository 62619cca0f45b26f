using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Silo.Hosting;
using TradingAgents.Actors.Tests.Fakes;
using TradingAgents.Actors.Tests.Infrastructure;
using TradingAgents.Actors.Tests.Manifests;

namespace TradingAgents.Actors.Tests.EndToEnd;

/// <summary>
/// The ConfigMap's <c>config.yaml</c> exactly as <c>kubectl kustomize k8s/overlays/prod</c> renders it,
/// run by the real gateway against the protocol-level fake API server (through the real
/// KubernetesClient), with real HTTP backends behind the EndpointSlices.
/// </summary>
public sealed class RenderedConfigGatewayTests : IAsyncLifetime
{
    private static readonly string[] Backends = ["analysis-engine", "data-service", "llm-service", "memory-service"];
    private static readonly string[] AlertedSeries =
    [
        "service_discovery_failure_rate", "service_discovery_calls_total", "service_instances_healthy",
        "service_instances_selectable", "circuit_breaker_state", "endpoint_watcher_last_sync_time_seconds",
    ];

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, EchoBackend> _backends = new(StringComparer.Ordinal);
    private FakeKubernetesApiServer _api = null!;
    private readonly List<EchoBackend> _decoys = [];
    private ServiceDiscoveryOptions _rendered = null!;
    private string _configDirectory = null!;
    private WebApplication _gateway = null!;
    private HttpClient _client = null!;
    private string _namespace = null!;
    private V1ConfigMap _configMap = null!;

    public async Task InitializeAsync()
    {
        var build = await KustomizeBuild.LoadAsync("overlays/prod");
        _configMap = build.OfType<V1ConfigMap>().Single(c => c.Metadata.Name == "service-discovery-config");
        var deployment = build.OfType<V1Deployment>().Single(d => d.Metadata.Name == "tradingagents-gateway");
        _namespace = deployment.Metadata.NamespaceProperty;
        var container = deployment.Spec.Template.Spec.Containers.Single(c => c.Name == "gateway");
        Assert.Equal("metadata.namespace", container.Env.Single(e => e.Name == "POD_NAMESPACE").ValueFrom.FieldRef.FieldPath);

        // Byte for byte what the pod would see at SERVICE_DISCOVERY_CONFIG.
        _configDirectory = Directory.CreateTempSubdirectory("ta-rendered-config-").FullName;
        var configFile = Path.Combine(_configDirectory, "config.yaml");
        await File.WriteAllTextAsync(configFile, _configMap.Data["config.yaml"]);
        var read = ServiceDiscoveryConfigurationReader.Read(new ConfigurationBuilder().AddServiceDiscoveryYaml(configFile, optional: false, reloadOnChange: false).Build());
        Assert.True(read.IsValid, read.FormatErrors());
        _rendered = read.Options;

        // The watcher takes the slice port whose number is the configured port (the backends'
        // targetPort), so the backends listen on exactly those ports, on a loopback address of their
        // own so that nothing else on the machine (a --demo run) is in the way.
        _api = await FakeKubernetesApiServer.StartAsync();
        await StartOnFreeLoopbackAsync(address =>
            Backends.Select(service => (service, address, _rendered.Services[service].Port!.Value)).ToList(), _backends);
        var decoys = new Dictionary<string, EchoBackend>(StringComparer.Ordinal);
        await StartOnFreeLoopbackAsync(address =>
            [("decoy-data-service", address, _rendered.Services["data-service"].Port!.Value), ("decoy-analysis-engine", address, _rendered.Services["analysis-engine"].Port!.Value)], decoys);
        _decoys.AddRange(decoys.Values);

        // Only what a test process must change: loopback ports, localhost clustering instead of the
        // Deployment's Redis, POD_NAMESPACE as the downward API would set it, and a short drain so
        // that a failed test does not hold its gateway for 300 s.
        var overrides = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Cluster:Provider"] = "Localhost",
            ["Cluster:SiloPort"] = FreePort(),
            ["Cluster:GatewayPort"] = FreePort(),
            ["Cluster:ClusterId"] = "deploy-" + Guid.NewGuid().ToString("N"),
            ["POD_NAMESPACE"] = _namespace,
            ["Gateway:DrainTimeoutSeconds"] = "5",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var builder = GatewayApp.CreateBuilder(["--config", configFile], configuration => configuration.AddInMemoryCollection(overrides));
        builder.Services.Replace(ServiceDescriptor.Singleton<IKubernetes>(_ => _api.CreateClient()));
        _gateway = GatewayApp.Build(builder);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _gateway.StartAsync(timeout.Token);
        var address = _gateway.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        _client = new HttpClient { BaseAddress = new Uri(address), Timeout = Patience };
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_gateway is not null)
        {
            await _gateway.StopAsync();
            await _gateway.DisposeAsync();
        }

        foreach (var backend in _backends.Values)
        {
            await backend.DisposeAsync();
        }

        foreach (var decoy in _decoys)
        {
            await decoy.DisposeAsync();
        }

        if (_api is not null)
        {
            await _api.DisposeAsync();
        }

        if (_configDirectory is not null)
        {
            Directory.Delete(_configDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task RenderedConfig_SlicesOfTheConfiguredServices_InstancesAppearAndTrafficRoutes()
    {
        // The watcher runs (the shipped config enables it) in the pod's namespace and found nothing yet.
        await _api.WaitForRequestsAsync(requests => requests.Any(r => r.Path.Contains($"/namespaces/{_namespace}/endpointslices", StringComparison.Ordinal) && r.IsWatch), Patience);
        var before = await ReadyAsync();
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "notReady"), (before.Status, before.Body));
        Assert.Equal(Backends, before.Missing);

        ApplyBackendSlices();

        // What restrict_to_configured and the namespace keep out: a headless twin, Redis, the gateway's
        // own Service, and the same service name in another team's namespace.
        var gateway = _client.BaseAddress!;
        var decoyAddress = _decoys[0].Address;
        _api.Apply(Slices.Create("analysis-engine-headless-x1", "analysis-engine-headless", [Slices.Endpoint(decoyAddress)], port: _rendered.Services["analysis-engine"].Port!.Value, @namespace: _namespace));
        _api.Apply(Slices.Create("redis-x1", "redis", [Slices.Endpoint(decoyAddress)], portName: "redis", port: 6379, @namespace: _namespace));
        _api.Apply(Slices.Create("tradingagents-gateway-x1", "tradingagents-gateway", [Slices.Endpoint(gateway.Host)], port: gateway.Port, @namespace: _namespace));
        _api.Apply(Slices.Create("data-service-x1", "data-service", [Slices.Endpoint(decoyAddress)], port: _rendered.Services["data-service"].Port!.Value, @namespace: "other-team"));

        var after = await Eventually.MatchAsync(ReadyAsync, r => r.Status == HttpStatusCode.OK, "/ready to turn ready", Patience);
        Assert.Equal(("ready", 0), (after.Body, after.Missing.Count));

        foreach (var service in Backends)
        {
            using var response = await _client.GetAsync($"/{service}/api/v1/anything");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(service, await response.Content.ReadAsStringAsync());
            Assert.Equal(1, _backends[service].Requests);
        }

        using var services = JsonDocument.Parse(await _client.GetStringAsync("/api/discovery/services"));
        var listed = services.RootElement.GetProperty("services").EnumerateArray()
            .Select(s => (s.GetProperty("name").GetString(), s.GetProperty("instances").GetInt32()))
            .OrderBy(s => s.Item1, StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(Backends.Select(b => ((string?)b, 1)), listed);
        foreach (var ignored in new[] { "analysis-engine-headless", "redis", "tradingagents-gateway" })
        {
            using var response = await _client.GetAsync($"/{ignored}/api/v1/anything");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        Assert.All(_decoys, decoy => Assert.Equal(0, decoy.Requests));

        // The series the alert rules read exist under these names once traffic has flowed.
        var metrics = await _client.GetStringAsync("/metrics");
        foreach (var name in AlertedSeries)
        {
            Assert.Contains($"\n{name}{{", metrics, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RenderedConfig_ServiceLosesEveryEndpointAfterStartUp_ReadyButDegradedNamingIt()
    {
        ApplyBackendSlices();

        await Eventually.MatchAsync(ReadyAsync, r => r.Status == HttpStatusCode.OK && r.Body == "ready", "/ready to turn ready", Patience);

        _api.Delete(_namespace, $"{_rendered.Services["llm-service"].ServiceName ?? "llm-service"}-abc12");

        var degraded = await Eventually.MatchAsync(ReadyAsync, r => r.Body == "degraded", "/ready to report degraded", Patience);
        Assert.Equal(HttpStatusCode.OK, degraded.Status);
        Assert.Equal(["llm-service"], degraded.Missing);
    }

    /// <summary>One slice per configured service, named by its <c>service_name</c>, as the endpoint controller would write it.</summary>
    private void ApplyBackendSlices()
    {
        foreach (var service in Backends)
        {
            var options = _rendered.Services[service];
            var kubernetesName = options.ServiceName ?? service;
            _api.Apply(Slices.Create($"{kubernetesName}-abc12", kubernetesName, [Slices.Endpoint(_backends[service].Address)], port: options.Port!.Value, @namespace: _namespace));
        }
    }

    /// <summary>Starts backends on one random 127.x.y.z address; another address when a port there is taken (bounded).</summary>
    private static async Task StartOnFreeLoopbackAsync(Func<string, List<(string Name, string Address, int Port)>> plan, Dictionary<string, EchoBackend> started)
    {
        for (var attempt = 1; ; attempt++)
        {
            var address = $"127.{Random.Shared.Next(10, 250)}.{Random.Shared.Next(1, 250)}.{Random.Shared.Next(2, 250)}";
            try
            {
                foreach (var (name, at, port) in plan(address))
                {
                    started[name] = await EchoBackend.StartAsync(name, at, port);
                }

                return;
            }
            catch (IOException) when (attempt < 5)
            {
                foreach (var backend in started.Values)
                {
                    await backend.DisposeAsync();
                }

                started.Clear();
            }
        }
    }

    private async Task<(HttpStatusCode Status, string? Body, IReadOnlyList<string> Missing)> ReadyAsync()
    {
        using var response = await _client.GetAsync("/ready");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var missing = body.RootElement.GetProperty("servicesWithoutEndpoints").EnumerateArray().Select(e => e.GetString()!).ToArray();
        return (response.StatusCode, body.RootElement.GetProperty("status").GetString(), missing);
    }

    private static string FreePort() => Infrastructure.FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
}
