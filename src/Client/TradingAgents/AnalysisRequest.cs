using System.Text.Json.Serialization;

namespace TradingAgents.Actors.Client.TradingAgents;

/// <summary>Body of <c>POST /api/v1/analysis/submit</c>.</summary>
internal sealed record AnalysisRequest(
    [property: JsonPropertyName("stock_code")] string StockCode,
    [property: JsonPropertyName("analysis_type")] string AnalysisType,
    [property: JsonPropertyName("priority")] string Priority);
