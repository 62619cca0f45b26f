using System.Text.Json.Serialization;

namespace TradingAgents.Actors.Client.TradingAgents;

/// <summary>One bar of a <see cref="StockData"/> series.</summary>
/// <param name="Date">Trading day.</param>
/// <param name="Open">Opening price.</param>
/// <param name="High">Highest price.</param>
/// <param name="Low">Lowest price.</param>
/// <param name="Close">Closing price.</param>
/// <param name="Volume">Traded volume.</param>
public sealed record PriceBar(
    [property: JsonPropertyName("date")] DateOnly Date,
    [property: JsonPropertyName("open")] double Open,
    [property: JsonPropertyName("high")] double High,
    [property: JsonPropertyName("low")] double Low,
    [property: JsonPropertyName("close")] double Close,
    [property: JsonPropertyName("volume")] long Volume);
