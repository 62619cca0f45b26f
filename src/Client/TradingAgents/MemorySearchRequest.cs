using System.Text.Json.Serialization;

namespace TradingAgents.Actors.Client.TradingAgents;

/// <summary>Body of <c>POST /api/v1/memory/search</c>.</summary>
internal sealed record MemorySearchRequest(
    [property: JsonPropertyName("collection_name")] string CollectionName,
    [property: JsonPropertyName("query")] string Query,
    [property: JsonPropertyName("n_results")] int NResults);
