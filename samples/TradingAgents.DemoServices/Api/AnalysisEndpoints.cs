using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TradingAgents.DemoServices.Hosting;

namespace TradingAgents.DemoServices.Api;

/// <summary>analysis-engine: <c>POST /api/v1/analysis/submit</c> queues a task and answers 202.</summary>
internal static class AnalysisEndpoints
{
    private const string DefaultType = "comprehensive";
    private const string DefaultPriority = "normal";
    private static readonly string[] Priorities = ["low", "normal", "high", "urgent"];

    public static void Map(IEndpointRouteBuilder endpoints) => endpoints.MapPost("/api/v1/analysis/submit", SubmitAsync);

    private static async Task<IResult> SubmitAsync(
        HttpRequest request, InstanceIdentity identity, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<SubmitRequest>(request, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body!.StockCode))
        {
            errors["stock_code"] = ["Required, for example \"AAPL\"."];
        }
        else if (!StockSymbol.TryNormalize(body.StockCode, out _))
        {
            errors["stock_code"] = [$"'{body.StockCode}' is not a stock code: {StockSymbol.Rule}."];
        }

        var analysisType = body.AnalysisType?.Trim().ToLowerInvariant() ?? DefaultType;
        if (analysisType.Length is 0 or > 40 || !analysisType.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            errors["analysis_type"] = ["Must be 1 to 40 letters, digits, '_' or '-', for example \"comprehensive\"."];
        }

        var priority = body.Priority?.Trim().ToLowerInvariant() ?? DefaultPriority;
        if (!Priorities.Contains(priority))
        {
            errors["priority"] = [$"'{body.Priority}' is not a priority; accepted: {string.Join(", ", Priorities)}."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        StockSymbol.TryNormalize(body.StockCode, out var stockCode);
        var response = new SubmitResponse(
            TaskId: $"{identity.Instance}-{identity.NextSequence():D6}",
            StockCode: stockCode,
            AnalysisType: analysisType,
            Priority: priority,
            Status: "queued",
            EstimatedSeconds: EstimatedSeconds(analysisType),
            SubmittedAt: timeProvider.GetUtcNow());
        return Results.Json(response, DemoJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    private static int EstimatedSeconds(string analysisType) => analysisType switch
    {
        "comprehensive" => 120,
        "fundamental" => 60,
        "sentiment" => 45,
        "technical" => 30,
        _ => 90,
    };

    internal sealed record SubmitRequest(string? StockCode, string? AnalysisType, string? Priority);

    internal sealed record SubmitResponse(
        string TaskId, string StockCode, string AnalysisType, string Priority, string Status, int EstimatedSeconds, DateTimeOffset SubmittedAt);
}
