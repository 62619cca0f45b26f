using System.Text.Json.Serialization;

namespace TradingAgents.Actors.Client.TradingAgents;

/// <summary>One hit of a <see cref="MemorySearchResult"/>.</summary>
/// <param name="Id">Identifier of the memory.</param>
/// <param name="Score">Similarity, higher is closer.</param>
/// <param name="Text">The remembered text.</param>
public sealed record MemoryHit(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("score")] double Score,
    [property: JsonPropertyName("text")] string Text);
