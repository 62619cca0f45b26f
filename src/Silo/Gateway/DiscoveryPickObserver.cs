using TradingAgents.Actors.Diagnostics;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>Counts the gateway routers' picks on the grains' instruments: <c>service_selections</c> and the seed's <c>service_discovery_cache_hit_rate</c>.</summary>
internal sealed class DiscoveryPickObserver(DiscoveryInstruments instruments) : IRouterPickObserver
{
    public void OnPicked(string service, string instanceId, bool fromLocalState)
    {
        instruments.SelectionAnswered(service, fromLocalState);
        instruments.Selected(service, instanceId);
    }
}
