namespace TradingAgents.Actors.Routing;

/// <summary>
/// One call a router admitted: the instance, the breaker generation it was admitted under, the trial
/// lease it holds (0 for none) and when it started. Complete it exactly once with
/// <see cref="ServiceRouter.Complete"/>; it carries its own load object, so its completion releases only
/// its own in-flight slot even if the instance has been removed and re-added meanwhile.
/// </summary>
public readonly struct RoutedCall
{
    internal RoutedCall(RouteEndpoint endpoint, long generation, long trialLeaseId, long startedAt)
    {
        Endpoint = endpoint;
        Generation = generation;
        TrialLeaseId = trialLeaseId;
        StartedAt = startedAt;
    }

    /// <summary>The chosen instance.</summary>
    public RouteEndpoint Endpoint { get; }

    /// <summary>Breaker generation the call was admitted under.</summary>
    public long Generation { get; }

    /// <summary>The fleet-wide trial lease this call uses; 0 for an ordinary call.</summary>
    public long TrialLeaseId { get; }

    /// <summary>True when this call is one of the half-open circuit's trial calls.</summary>
    public bool IsTrial => TrialLeaseId != 0;

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when the call was admitted.</summary>
    public long StartedAt { get; }

    /// <summary><c>host:port</c> of the chosen instance.</summary>
    public string InstanceId => Endpoint.InstanceId;
}
