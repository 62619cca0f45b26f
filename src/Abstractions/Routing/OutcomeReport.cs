using System.Collections.Immutable;

namespace TradingAgents.Actors.Routing;

/// <summary>
/// A slice of one reporter's ordered outcome stream for one instance: the entries in the order their
/// calls ended. A failure always travels with the successes before it, so the instance grain sees the
/// reporter's calls in order whatever the batching.
/// </summary>
/// <param name="ReporterId">The router (one per process and service) that made the calls.</param>
/// <param name="Sequence">Increases by one per report of this reporter; a repeated sequence is a resend and is ignored.</param>
/// <param name="Entries">Outcomes, oldest first.</param>
[GenerateSerializer, Immutable, Alias("ta.OutcomeReport")]
public sealed record OutcomeReport(
    [property: Id(0)] string ReporterId,
    [property: Id(1)] long Sequence,
    [property: Id(2)] ImmutableArray<OutcomeEntry> Entries);
