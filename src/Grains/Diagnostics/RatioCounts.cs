namespace TradingAgents.Actors.Diagnostics;

/// <summary>Events in a <see cref="SlidingRatioWindow"/>: how many there were and how many of them matched.</summary>
/// <param name="Matched">Events recorded as matching (failures, cache hits).</param>
/// <param name="Total">Every event.</param>
public readonly record struct RatioCounts(long Matched, long Total)
{
    /// <summary><see cref="Matched"/> / <see cref="Total"/>, or null when there was no event.</summary>
    public double? Ratio => Total == 0 ? null : (double)Matched / Total;
}
