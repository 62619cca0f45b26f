using System.Text.Json.Serialization;

namespace TradingAgents.Actors.Client.TradingAgents;

/// <summary>The analysis engine's answer to a submitted analysis (<c>POST /api/v1/analysis/submit</c>).</summary>
/// <param name="TaskId">Identifier of the queued task.</param>
/// <param name="StockCode">The stock code, as the engine normalized it.</param>
/// <param name="AnalysisType">The analysis type, e.g. <c>comprehensive</c>.</param>
/// <param name="Priority">The priority, e.g. <c>normal</c>.</param>
/// <param name="Status">Task status, e.g. <c>queued</c>.</param>
/// <param name="EstimatedSeconds">The engine's estimate of the run time.</param>
/// <param name="SubmittedAt">When the engine accepted the task, when it says.</param>
public sealed record AnalysisTask(
    [property: JsonPropertyName("task_id")] string TaskId,
    [property: JsonPropertyName("stock_code")] string StockCode,
    [property: JsonPropertyName("analysis_type")] string AnalysisType,
    [property: JsonPropertyName("priority")] string? Priority,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("estimated_seconds")] int EstimatedSeconds,
    [property: JsonPropertyName("submitted_at")] DateTimeOffset? SubmittedAt);
