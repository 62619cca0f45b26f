using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TradingAgents.DemoServices.Hosting;

namespace TradingAgents.DemoServices.Api;

/// <summary>memory-service: <c>POST /api/v1/memory/search</c> answers <c>n_results</c> canned memories, best first.</summary>
internal static class MemoryEndpoints
{
    public const int MaxResults = 50;
    private const int DefaultResults = 3;

    private static readonly string[] Corpus =
    [
        "Revenue grew faster than consensus for the third quarter in a row.",
        "Gross margin narrowed as input costs rose; guidance was kept.",
        "The stock broke above its 200-day moving average on heavy volume.",
        "Insiders sold a small share of their holdings after the earnings call.",
        "Analysts raised the price target citing data-centre demand.",
        "Free cash flow covered the dividend twice over.",
        "A supply-chain disruption delayed shipments by about two weeks.",
        "Short interest fell to its lowest level in a year.",
        "Management announced a buy-back worth five percent of the float.",
        "Sentiment on social media turned negative after the product recall.",
    ];

    public static void Map(IEndpointRouteBuilder endpoints) => endpoints.MapPost("/api/v1/memory/search", SearchAsync);

    private static async Task<IResult> SearchAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<SearchRequest>(request, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var errors = new Dictionary<string, string[]>();
        var collection = body!.CollectionName?.Trim();
        if (string.IsNullOrEmpty(collection))
        {
            errors["collection_name"] = ["Required, for example \"market_memories\"."];
        }
        else if (collection.Length > 64 || !collection.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            errors["collection_name"] = [$"'{collection}' must be 1 to 64 letters, digits, '_' or '-'."];
        }

        var query = body.Query?.Trim();
        if (string.IsNullOrEmpty(query))
        {
            errors["query"] = ["Required, a non-empty text."];
        }
        else if (query.Length > 2000)
        {
            errors["query"] = ["At most 2000 characters."];
        }

        var count = body.NResults ?? DefaultResults;
        if (count is < 1 or > MaxResults)
        {
            errors["n_results"] = [$"Must be from 1 to {MaxResults}; was {count}."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var random = new Random(StableHash.Of($"{collection}\n{query}"));
        var first = random.Next(0, 10_000);
        var results = new MemoryHit[count];
        for (var i = 0; i < count; i++)
        {
            var score = 0.95 - (i * (0.5 / count)) - (random.NextDouble() * 0.01);
            results[i] = new MemoryHit(
                $"{collection}-{(first + (i * 37)) % 10_000:D4}",
                Math.Round(score, 4, MidpointRounding.AwayFromZero),
                Corpus[(first + i) % Corpus.Length]);
        }

        return Results.Json(new SearchResponse(collection!, query!, count, results), DemoJson.Options);
    }

    internal sealed record SearchRequest(string? CollectionName, string? Query, int? NResults);

    internal sealed record MemoryHit(string Id, double Score, string Text);

    internal sealed record SearchResponse(string CollectionName, string Query, int Count, IReadOnlyList<MemoryHit> Results);
}
