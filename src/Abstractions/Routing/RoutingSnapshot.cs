using System.Collections.Immutable;
using TradingAgents.Actors.Discovery;

namespace TradingAgents.Actors.Routing;

/// <summary>
/// Everything a router needs to route one service, published by its service grain on every change
/// (coalesced) and checked by routers periodically. Ordered by (<paramref name="Epoch"/>,
/// <paramref name="Version"/>): a new activation of the service grain starts a new epoch.
/// </summary>
/// <param name="Service">Logical service name.</param>
/// <param name="Epoch">Identifies the service grain activation that published it.</param>
/// <param name="Version">Increases with every change within one epoch.</param>
/// <param name="Status"><see cref="SelectionStatus.UnknownService"/>, <see cref="SelectionStatus.NoEndpoints"/>,
/// or <see cref="SelectionStatus.Selected"/> when the service has instances (selectable or not).</param>
/// <param name="Algorithm">Load-balancing policy (snake_case, as in configuration).</param>
/// <param name="PublishedAt">When the grain built it.</param>
/// <param name="Instances">Every instance of every source, ordered by instance id.</param>
/// <param name="Reason">A sentence when <paramref name="Status"/> is not <see cref="SelectionStatus.Selected"/>.</param>
[GenerateSerializer, Immutable, Alias("ta.RoutingSnapshot")]
public sealed record RoutingSnapshot(
    [property: Id(0)] string Service,
    [property: Id(1)] Guid Epoch,
    [property: Id(2)] long Version,
    [property: Id(3)] SelectionStatus Status,
    [property: Id(4)] string Algorithm,
    [property: Id(5)] DateTimeOffset PublishedAt,
    [property: Id(6)] ImmutableArray<RoutingInstance> Instances,
    [property: Id(7)] string? Reason)
{
    /// <summary>Whether the service is in panic (too few healthy instances) and which panic mode applies; routers obey it.</summary>
    [Id(8)]
    public PanicState Panic { get; init; }

    /// <summary>Why the service is in panic, or a note that the ejection cap kept instances routable; null otherwise.</summary>
    [Id(9)]
    public string? PanicReason { get; init; }
}
