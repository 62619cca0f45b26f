namespace TradingAgents.Actors.Discovery;

/// <summary>
/// What an operator may do to one instance, fleet-wide (issue 12 item 5). The override holds until an
/// operator restores the instance or the endpoint leaves every source; it is persisted with the breaker,
/// so it survives the loss of the silo that held the instance grain.
/// </summary>
public enum OperatorAction
{
    /// <summary>No traffic at all, whatever the breaker and health checks say.</summary>
    Eject = 0,

    /// <summary>No new traffic while any other instance can take it (as an EndpointSlice's serving-but-terminating
    /// endpoint); calls in flight finish.</summary>
    Drain = 1,

    /// <summary>Keep routing ordinary traffic to the instance even when its breaker or health checks would take it out
    /// (for a health endpoint known to be wrong). Outcomes still reach the breaker; the history keeps what it would have done.
    /// Not-ready or removed endpoints are not routed to, pinned or not.</summary>
    Pin = 2,

    /// <summary>Clears the operator's override: the breaker and health checks decide again.</summary>
    Restore = 3,
}

/// <summary>An operator's action on one instance.</summary>
/// <param name="Action">What to do.</param>
/// <param name="By">Who asked (an operator name, or the API client's address); shown in the history.</param>
/// <param name="Reason">Why, in the operator's words; required.</param>
[GenerateSerializer, Immutable, Alias("ta.OperatorActionRequest")]
public sealed record OperatorActionRequest(
    [property: Id(0)] OperatorAction Action,
    [property: Id(1)] string By,
    [property: Id(2)] string Reason);

/// <summary>An operator override in force on one instance.</summary>
/// <param name="Action"><see cref="OperatorAction.Eject"/>, <see cref="OperatorAction.Drain"/> or <see cref="OperatorAction.Pin"/>.</param>
/// <param name="By">Who set it.</param>
/// <param name="At">When it was set.</param>
/// <param name="Reason">Why.</param>
[GenerateSerializer, Immutable, Alias("ta.InstanceOverride")]
public sealed record InstanceOverride(
    [property: Id(0)] OperatorAction Action,
    [property: Id(1)] string By,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] string Reason)
{
    /// <summary>One line for status pages and reasons, e.g. <c>ejected by alice: bad deploy</c>.</summary>
    public string Describe() => $"{Action switch
    {
        OperatorAction.Eject => "ejected",
        OperatorAction.Drain => "drained",
        OperatorAction.Pin => "pinned",
        _ => Action.ToString().ToLowerInvariant(),
    }} by {By}: {Reason}";
}
