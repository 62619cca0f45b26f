using System.Text.Json.Serialization;

namespace TradingAgents.Actors.Client.TradingAgents;

/// <summary>The data service's price history of one symbol (<c>GET /api/v1/data/stock</c>).</summary>
/// <param name="Symbol">The symbol, as the service normalized it.</param>
/// <param name="Period">The period asked for, e.g. <c>1y</c>.</param>
/// <param name="Interval">Bar length, e.g. <c>1d</c>.</param>
/// <param name="Currency">Price currency, e.g. <c>USD</c>.</param>
/// <param name="Count">Number of bars.</param>
/// <param name="Prices">The bars, oldest first.</param>
public sealed record StockData(
    [property: JsonPropertyName("symbol")] string Symbol,
    [property: JsonPropertyName("period")] string Period,
    [property: JsonPropertyName("interval")] string? Interval,
    [property: JsonPropertyName("currency")] string? Currency,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("prices")] IReadOnlyList<PriceBar> Prices);
