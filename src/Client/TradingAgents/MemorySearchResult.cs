using System.Text.Json.Serialization;

namespace TradingAgents.Actors.Client.TradingAgents;

/// <summary>The memory service's answer to a search (<c>POST /api/v1/memory/search</c>).</summary>
/// <param name="CollectionName">The collection searched.</param>
/// <param name="Query">The query text.</param>
/// <param name="Count">Number of hits.</param>
/// <param name="Results">The hits, best first.</param>
public sealed record MemorySearchResult(
    [property: JsonPropertyName("collection_name")] string CollectionName,
    [property: JsonPropertyName("query")] string Query,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("results")] IReadOnlyList<MemoryHit> Results);
