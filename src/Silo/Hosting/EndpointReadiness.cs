using Microsoft.Extensions.Options;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Discovery;

namespace TradingAgents.Actors.Silo.Hosting;

/// <summary>
/// The readiness rule "every configured service has endpoints", read from this silo's
/// <see cref="EndpointCatalog"/> (the union of every source's newest set).
/// </summary>
/// <remarks>
/// A gateway that starts with sources that deliver nothing (no <c>kubernetes:</c> block, a watcher
/// without RBAC, a wrong namespace) would otherwise report ready and fail every proxied call; blocking
/// readiness stops such a rollout at its first pod. Once every configured service has had endpoints,
/// losing all of one service's endpoints no longer blocks readiness: that would take every gateway
/// out of its Service and fail the calls to the other services too. It is then reported in the body
/// (<c>degraded</c>) and by the ServiceNoSelectableInstances alert.
/// </remarks>
public sealed class EndpointReadiness(
    EndpointCatalog catalog,
    IOptionsMonitor<ServiceDiscoveryOptions> discovery,
    IOptionsMonitor<EndpointReadinessOptions> options)
{
    private volatile bool _coveredOnce;

    /// <summary>Checks the configured services now.</summary>
    public EndpointCoverage Evaluate()
    {
        var missing = discovery.CurrentValue.Services.Keys
            .Where(service => !catalog.GetSets(service).Any(static set => set.Endpoints.Length > 0))
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (missing.Length == 0)
        {
            _coveredOnce = true;
        }

        var blocks = missing.Length > 0 && !_coveredOnce && options.CurrentValue.RequireEndpoints;
        return new EndpointCoverage(blocks, missing);
    }
}
