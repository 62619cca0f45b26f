using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TradingAgents.Actors.Configuration;

namespace TradingAgents.Actors.Discovery.Kubernetes;

/// <summary>
/// Starts the watcher once the silo is active (its sets are delivered to grains, which need a running
/// silo) and stops it before the silo stops. Resolves nothing unless <c>kubernetes.enabled</c> is set,
/// so a local run never builds a Kubernetes client.
/// </summary>
internal sealed partial class KubernetesEndpointSourceLifecycle(
    IServiceProvider services,
    IOptionsMonitor<ServiceDiscoveryOptions> options,
    ILogger<KubernetesEndpointSourceLifecycle> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private EndpointSliceWatcher? _watcher;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(KubernetesEndpointSourceLifecycle), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.CurrentValue.Kubernetes.Enabled)
        {
            LogDisabled(logger);
            return Task.CompletedTask;
        }

        _watcher = services.GetRequiredService<EndpointSliceWatcher>();
        return _watcher.StartAsync(cancellationToken);
    }

    private Task StopAsync(CancellationToken cancellationToken) => _watcher?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    [LoggerMessage(1250, LogLevel.Debug, "The Kubernetes endpoint source is disabled (service_discovery.kubernetes.enabled is false)")]
    private static partial void LogDisabled(ILogger logger);
}
