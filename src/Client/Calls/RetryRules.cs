using System.Net;
using Polly;
using Polly.Timeout;
using TradingAgents.Actors.Calls;

namespace TradingAgents.Actors.Client.Calls;

/// <summary>
/// Which failed attempts the client's Polly pipeline sends again: the outcome Polly sees (a response or
/// an exception) is classified by the shared <see cref="AttemptClassifier"/> and judged by the shared
/// <see cref="Actors.Calls.RetryRules"/>, the same rules the gateway applies.
/// </summary>
internal static class RetryRules
{
    /// <summary>True for methods that a server may see twice without harm (RFC 9110 §9.2.2).</summary>
    public static bool IsIdempotent(HttpMethod method) => Actors.Calls.RetryRules.IsIdempotent(method.Method);

    /// <summary>True when the outcome of an attempt with <paramref name="method"/> should be retried.</summary>
    public static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, HttpMethod method)
    {
        // The router's answer is authoritative for this moment; asking again within milliseconds changes nothing.
        if (outcome.Exception is ServiceUnavailableException || (outcome.Exception is OperationCanceledException && outcome.Exception is not TimeoutRejectedException))
        {
            return false;
        }

        var response = outcome.Result;
        var verdict = AttemptClassifier.Classify(
            callerGaveUp: false,
            timedOut: outcome.Exception is TimeoutRejectedException,
            timeout: TimeSpan.Zero,
            error: outcome.Exception is HttpRequestException ? outcome.Exception : null,
            status: response is null ? 0 : (int)response.StatusCode,
            retryAfter: response?.Headers.RetryAfter?.Delta);
        if (outcome.Exception is not null and not HttpRequestException and not TimeoutRejectedException)
        {
            return false;
        }

        return Actors.Calls.RetryRules.MayRetry(verdict, IsIdempotent(method));
    }

    /// <summary>True for statuses that count against the instance (5xx).</summary>
    public static bool IsServerError(HttpStatusCode status) => (int)status >= 500;
}
