using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TradingAgents.DemoServices.Hosting;

namespace TradingAgents.DemoServices.Api;

/// <summary>
/// llm-service: <c>POST /api/v1/llm/chat</c> (OpenAI-like messages) and <c>POST /api/v1/llm/complete</c>
/// (a prompt). Both echo the input, cut to <c>max_tokens</c> words, with word-count token usage.
/// </summary>
internal static class LlmEndpoints
{
    public const int MaxTokensLimit = 4096;
    private const string DefaultModel = "demo-echo-1";
    private static readonly string[] Roles = ["system", "user", "assistant"];

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/v1/llm/chat", ChatAsync);
        endpoints.MapPost("/api/v1/llm/complete", CompleteAsync);
    }

    private static async Task<IResult> ChatAsync(HttpRequest request, InstanceIdentity identity, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<ChatRequest>(request, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var errors = new Dictionary<string, string[]>();
        if (body!.Messages is not { Count: > 0 } messages)
        {
            errors["messages"] = ["Required, a non-empty list of {\"role\",\"content\"}."];
            messages = [];
        }

        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not { } message || !Roles.Contains(message.Role))
            {
                errors[$"messages[{i}].role"] = [$"Must be one of {string.Join(", ", Roles)}."];
            }
            else if (string.IsNullOrEmpty(message.Content))
            {
                errors[$"messages[{i}].content"] = ["Required, a non-empty text."];
            }
        }

        CheckMaxTokens(body.MaxTokens, errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        // Validated above: every message is present, with a role and content.
        var conversation = messages.Select(m => m!).ToList();
        var prompt = conversation.LastOrDefault(m => m.Role == "user")?.Content ?? conversation[^1].Content!;
        var (text, finishReason, completionTokens) = Echo(prompt, body.MaxTokens);
        var promptTokens = conversation.Sum(m => CountWords(m.Content!));
        return Results.Json(
            new ChatResponse(
                $"chatcmpl-{identity.Instance}-{identity.NextSequence():D6}",
                body.Model ?? DefaultModel,
                [new ChatChoice(0, new ChatMessage("assistant", text), finishReason)],
                new TokenUsage(promptTokens, completionTokens, promptTokens + completionTokens)),
            DemoJson.Options);
    }

    private static async Task<IResult> CompleteAsync(HttpRequest request, InstanceIdentity identity, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<CompleteRequest>(request, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body!.Prompt))
        {
            errors["prompt"] = ["Required, a non-empty text."];
        }

        CheckMaxTokens(body.MaxTokens, errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var (text, finishReason, completionTokens) = Echo(body.Prompt!, body.MaxTokens);
        var promptTokens = CountWords(body.Prompt!);
        return Results.Json(
            new CompleteResponse(
                $"cmpl-{identity.Instance}-{identity.NextSequence():D6}",
                body.Model ?? DefaultModel,
                text,
                finishReason,
                new TokenUsage(promptTokens, completionTokens, promptTokens + completionTokens)),
            DemoJson.Options);
    }

    private static void CheckMaxTokens(int? maxTokens, Dictionary<string, string[]> errors)
    {
        if (maxTokens is < 1 or > MaxTokensLimit)
        {
            errors["max_tokens"] = [$"Must be from 1 to {MaxTokensLimit}; was {maxTokens}."];
        }
    }

    private static (string Text, string FinishReason, int Tokens) Echo(string prompt, int? maxTokens)
    {
        var words = ("Echo: " + prompt).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var limit = maxTokens ?? MaxTokensLimit;
        return words.Length <= limit
            ? (string.Join(' ', words), "stop", words.Length)
            : (string.Join(' ', words.Take(limit)), "length", limit);
    }

    private static int CountWords(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    internal sealed record ChatMessage(string? Role, string? Content);

    internal sealed record ChatRequest(IReadOnlyList<ChatMessage?>? Messages, string? Model, int? MaxTokens);

    internal sealed record ChatChoice(int Index, ChatMessage Message, string FinishReason);

    internal sealed record TokenUsage(int PromptTokens, int CompletionTokens, int TotalTokens);

    internal sealed record ChatResponse(string Id, string Model, IReadOnlyList<ChatChoice> Choices, TokenUsage Usage);

    internal sealed record CompleteRequest(string? Prompt, string? Model, int? MaxTokens);

    internal sealed record CompleteResponse(string Id, string Model, string Text, string FinishReason, TokenUsage Usage);
}
