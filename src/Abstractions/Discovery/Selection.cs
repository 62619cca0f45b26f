using System.Diagnostics.CodeAnalysis;

namespace TradingAgents.Actors.Discovery;

/// <summary>The answer of <see cref="Grains.IServiceGrain.SelectAsync"/>: an endpoint, or why there is none.</summary>
/// <param name="Status">Outcome of the selection.</param>
/// <param name="Endpoint">The chosen endpoint when <paramref name="Status"/> is <see cref="SelectionStatus.Selected"/>.</param>
/// <param name="Reason">A sentence for logs and error bodies when nothing was selected.</param>
[GenerateSerializer, Immutable, Alias("ta.Selection")]
public sealed record Selection(
    [property: Id(0)] SelectionStatus Status,
    [property: Id(1)] SelectedEndpoint? Endpoint,
    [property: Id(2)] string? Reason)
{
    /// <summary>True when an endpoint was chosen.</summary>
    [MemberNotNullWhen(true, nameof(Endpoint))]
    public bool IsSelected => Status == SelectionStatus.Selected && Endpoint is not null;

    /// <summary>A successful selection.</summary>
    public static Selection Of(SelectedEndpoint endpoint) => new(SelectionStatus.Selected, endpoint, null);

    /// <summary>A failed selection with its reason.</summary>
    public static Selection Failed(SelectionStatus status, string reason) => new(status, null, reason);
}
