using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Discovery.Kubernetes;

namespace TradingAgents.Actors.Tests.Discovery.Kubernetes;

public sealed class KubernetesClientFactoryTests : IDisposable
{
    private const string Kubeconfig = """
        apiVersion: v1
        kind: Config
        current-context: first
        clusters:
        - name: one
          cluster:
            server: http://127.0.0.1:6441
        - name: two
          cluster:
            server: http://127.0.0.1:6442
        contexts:
        - name: first
          context: { cluster: one, user: u }
        - name: second
          context: { cluster: two, user: u }
        users:
        - name: u
          user: { token: abc }
        """;

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"kubeconfig-{Guid.NewGuid():N}.yaml");

    public KubernetesClientFactoryTests() => File.WriteAllText(_path, Kubeconfig);

    [Theory]
    [InlineData(null, "http://127.0.0.1:6441/")]
    [InlineData("second", "http://127.0.0.1:6442/")]
    public void CreateConfiguration_Kubeconfig_UsesTheNamedOrCurrentContext(string? context, string host)
    {
        var (factory, _) = Create(new KubernetesDiscoveryOptions { Kubeconfig = _path, Context = context });

        var configuration = factory.CreateConfiguration(serviceHost: null);

        Assert.Equal(host, new Uri(configuration.Host).ToString());
        Assert.Equal("abc", configuration.AccessToken);
    }

    [Fact]
    public void CreateConfiguration_MissingKubeconfig_LogsOneErrorAndFallsBack()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.yaml");
        var (factory, logs) = Create(new KubernetesDiscoveryOptions { Kubeconfig = missing });

        var configuration = factory.CreateConfiguration(serviceHost: null);

        Assert.Equal(KubernetesClientFactory.FallbackHost, configuration.Host);
        var error = Assert.Single(logs.GetSnapshot());
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateConfiguration_InClusterWithoutServiceAccount_LogsOneErrorAndFallsBack()
    {
        var (factory, logs) = Create(new KubernetesDiscoveryOptions { Kubeconfig = _path });

        // KUBERNETES_SERVICE_HOST says "in a pod", but this machine has no service-account token.
        var configuration = factory.CreateConfiguration(serviceHost: "127.0.0.53");

        Assert.Equal(KubernetesClientFactory.FallbackHost, configuration.Host);
        Assert.Contains("service account", Assert.Single(logs.GetSnapshot()).Message, StringComparison.Ordinal);
    }

    public void Dispose() => File.Delete(_path);

    private static (KubernetesClientFactory Factory, FakeLogCollector Logs) Create(KubernetesDiscoveryOptions kubernetes)
    {
        var logs = new FakeLogCollector();
        var options = new ServiceDiscoveryOptions { Kubernetes = kubernetes };
        return (new KubernetesClientFactory(Microsoft.Extensions.Options.Options.Create(options), new FakeLogger<KubernetesClientFactory>(logs)), logs);
    }
}
