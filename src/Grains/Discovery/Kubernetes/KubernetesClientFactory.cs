using k8s;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TradingAgents.Actors.Configuration;

namespace TradingAgents.Actors.Discovery.Kubernetes;

/// <summary>
/// Builds the <see cref="IKubernetes"/> client the watcher is given, as the seed does: the pod's service
/// account when running in a pod (<c>KUBERNETES_SERVICE_HOST</c> is set), else the kubeconfig file and
/// context named in configuration (default: <c>$KUBECONFIG</c> or <c>~/.kube/config</c> and its current
/// context). Missing credentials do not stop the host: one error is logged and the client points at the
/// in-cluster address without credentials, so the watcher keeps failing and retrying with backoff while
/// configuration-sourced services are served.
/// </summary>
public sealed partial class KubernetesClientFactory(
    IOptions<ServiceDiscoveryOptions> options,
    ILogger<KubernetesClientFactory> logger)
{
    /// <summary>The API address used when no credentials could be loaded.</summary>
    public const string FallbackHost = "https://kubernetes.default.svc";

    /// <summary>Creates the client.</summary>
    public IKubernetes Create() => new k8s.Kubernetes(CreateConfiguration());

    /// <summary>Creates the client configuration; never throws for missing or broken credentials.</summary>
    public KubernetesClientConfiguration CreateConfiguration() =>
        CreateConfiguration(Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST"));

    internal KubernetesClientConfiguration CreateConfiguration(string? serviceHost)
    {
        var kubernetes = options.Value.Kubernetes;
        var inCluster = !string.IsNullOrEmpty(serviceHost);
        try
        {
            if (inCluster)
            {
                var configuration = KubernetesClientConfiguration.InClusterConfig();
                Log.InCluster(logger, configuration.Host);
                return configuration;
            }

            var fromFile = KubernetesClientConfiguration.BuildConfigFromConfigFile(kubernetes.Kubeconfig, kubernetes.Context);
            Log.FromKubeconfig(logger, kubernetes.Kubeconfig ?? "default kubeconfig", kubernetes.Context ?? "current context", fromFile.Host);
            return fromFile;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var where = inCluster
                ? "the pod's service account (token and CA under /var/run/secrets/kubernetes.io/serviceaccount)"
                : $"kubeconfig '{kubernetes.Kubeconfig ?? "default: $KUBECONFIG or ~/.kube/config"}' context '{kubernetes.Context ?? "current"}'";
            Log.NoCredentials(logger, e, where, e.Message);
            return new KubernetesClientConfiguration { Host = FallbackHost };
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1240, LogLevel.Information, "Kubernetes client uses the pod's service account; API at {Host}", EventName = "InCluster")]
        public static partial void InCluster(ILogger logger, string host);

        [LoggerMessage(1241, LogLevel.Information, "Kubernetes client uses {Kubeconfig} ({Context}); API at {Host}", EventName = "FromKubeconfig")]
        public static partial void FromKubeconfig(ILogger logger, string kubeconfig, string context, string host);

        [LoggerMessage(1242, LogLevel.Error, "No Kubernetes credentials could be loaded from {Where}: {Message}. The EndpointSlice watcher will fail and retry until it is restarted with credentials; configured endpoints are still served", EventName = "NoCredentials")]
        public static partial void NoCredentials(ILogger logger, Exception exception, string where, string message);
    }
}
