using System.Text.Json;
using Microsoft.AspNetCore.Http;
using TradingAgents.DemoServices.Hosting;

namespace TradingAgents.DemoServices.Api;

/// <summary>
/// Reads a JSON request body by hand rather than through parameter binding, so that malformed JSON
/// and wrongly typed fields get a 400 naming the field instead of an empty 400.
/// </summary>
internal static class JsonBody
{
    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, DemoJson.Options, cancellationToken).ConfigureAwait(false);
            return value is null
                ? (null, Problems.Invalid("body", "A JSON object is required."))
                : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, Problems.Invalid(FieldOf(ex.Path), $"Not valid JSON for this field: {ex.Message}"));
        }
    }

    // "$.stock_code" -> "stock_code"; "$" (the whole document) -> "body".
    private static string FieldOf(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
}
