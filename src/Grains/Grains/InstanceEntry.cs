using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Grains;

/// <summary>
/// A service grain's view of one instance: the endpoint as the sources list it and the state mirrored
/// from its instance grain. <see cref="Decide"/> is the one place that says whether it may take traffic.
/// </summary>
internal sealed class InstanceEntry(ServiceEndpoint endpoint, IReadOnlyList<string> sources)
{
    public ServiceEndpoint Endpoint { get; set; } = endpoint;

    public IReadOnlyList<string> Sources { get; set; } = sources;

    /// <summary>Formatted once.</summary>
    public string InstanceId { get; } = endpoint.InstanceId;

    public InstanceStatus? Status { get; private set; }

    /// <summary>One-off selections (<c>SelectAsync</c>) answered with this instance.</summary>
    public long SelectionsServed { get; set; }

    public CircuitState Circuit => Status?.Circuit ?? CircuitState.Closed;

    public HealthState Health => Status?.Health ?? HealthState.Unknown;

    /// <summary>Applies a pushed status unless it is older than the one held; true when it was applied.</summary>
    public bool Apply(InstanceStatus status)
    {
        var held = Status;
        if (held is not null && held.Incarnation == status.Incarnation && status.Sequence <= held.Sequence)
        {
            return false;
        }

        Status = status;
        return true;
    }

    /// <summary>
    /// What traffic the instance may take at <paramref name="now"/>, and why not when it may take none.
    /// Order of the rules: slice conditions, the operator's eject or pin, health, breaker, backpressure,
    /// the operator's drain, the slice's draining condition.
    /// </summary>
    public (InstanceAvailability Availability, string? Reason) Decide(DateTimeOffset now)
    {
        var conditions = Endpoint.Conditions;
        if (!conditions.IsUsable)
        {
            return (InstanceAvailability.Unavailable, $"not ready ({conditions})");
        }

        switch (Status?.Override)
        {
            case { Action: OperatorAction.Eject } eject:
                return (InstanceAvailability.Unavailable, eject.Describe());
            case { Action: OperatorAction.Pin }:
                // Pinned: the breaker, health checks and backpressure do not take it out (their state
                // still shows, and the history says what they would have done).
                return conditions.IsDrainingOnly
                    ? (InstanceAvailability.DrainingOnly, "draining: used only when nothing else is left")
                    : (InstanceAvailability.Selectable, null);
        }

        if (Health == HealthState.Unhealthy)
        {
            return (InstanceAvailability.Unavailable, "unhealthy");
        }

        switch (Circuit)
        {
            case CircuitState.Open:
                return (InstanceAvailability.Unavailable, "circuit open");
            case CircuitState.HalfOpen:
                return Status?.TrialAvailable == true
                    ? (InstanceAvailability.TrialOnly, "circuit half-open: trial calls only")
                    : (InstanceAvailability.Unavailable, "circuit half-open, trial calls in use");
        }

        if (Status?.BackoffUntil is { } until && until > now)
        {
            return (InstanceAvailability.Unavailable, $"backpressure: asked for no traffic until {until:HH:mm:ss}");
        }

        if (Status?.Override is { Action: OperatorAction.Drain } drain)
        {
            return (InstanceAvailability.DrainingOnly, $"{drain.Describe()} (used only when nothing else is left)");
        }

        return conditions.IsDrainingOnly
            ? (InstanceAvailability.DrainingOnly, "draining: used only when nothing else is left")
            : (InstanceAvailability.Selectable, null);
    }

    /// <summary>The instance as routers see it.</summary>
    public RoutingInstance ToRouting(DateTimeOffset now)
    {
        var (availability, reason) = Decide(now);
        var endpoint = Endpoint;
        var status = Status;
        return new RoutingInstance(
            InstanceId,
            endpoint.Host,
            endpoint.Port,
            endpoint.Zone,
            endpoint.NodeName,
            endpoint.TargetName,
            Math.Max(1, endpoint.Weight),
            availability,
            reason,
            Circuit,
            Health,
            status?.EwmaLatencyMs ?? 0,
            status?.ConsecutiveFailures ?? 0,
            status?.BreakerGeneration ?? 0,
            status?.BackoffUntil,
            status?.Measured ?? false);
    }
}
