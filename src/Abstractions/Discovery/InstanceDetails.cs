namespace TradingAgents.Actors.Discovery;

/// <summary>An instance grain's own view: its current status and the recent history of why it changed.</summary>
[GenerateSerializer, Immutable, Alias("ta.InstanceDetails")]
public sealed record InstanceDetails(
    [property: Id(0)] string Service,
    [property: Id(1)] ServiceEndpoint? Endpoint,
    [property: Id(2)] InstanceStatus Status,
    [property: Id(3)] DateTimeOffset? OpenUntil,
    [property: Id(4)] int ActiveTrialLeases,
    [property: Id(5)] IReadOnlyList<InstanceTransition> History);
