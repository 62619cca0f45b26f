using System.Net;
using Polly;
using Polly.Timeout;

namespace TradingAgents.Actors.Client.Calls;

/// <summary>
/// Which failed attempts may be sent again, the same rule as the gateway's: a request that never
/// reached a backend is always safe to resend; one that may have been processed (a 5xx, a timeout,
/// a broken response) is resent only when its method is idempotent.
/// </summary>
internal static class RetryRules
{
    /// <summary>True for methods that a server may see twice without harm (RFC 9110 §9.2.2).</summary>
    public static bool IsIdempotent(HttpMethod method) =>
        method == HttpMethod.Get
        || method == HttpMethod.Head
        || method == HttpMethod.Put
        || method == HttpMethod.Delete
        || method == HttpMethod.Options
        || method == HttpMethod.Trace;

    /// <summary>True when the outcome of an attempt with <paramref name="method"/> should be retried.</summary>
    public static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, HttpMethod method) => outcome.Exception switch
    {
        null => outcome.Result is { } response && IsServerError(response.StatusCode) && IsIdempotent(method),

        // The grain's answer is authoritative for this moment; asking again within milliseconds changes nothing.
        ServiceUnavailableException => false,
        HttpRequestException http when NeverReachedBackend(http) => true,
        HttpRequestException => IsIdempotent(method),
        TimeoutRejectedException => IsIdempotent(method),
        _ => false,
    };

    /// <summary>True for statuses that count against the instance (5xx).</summary>
    public static bool IsServerError(HttpStatusCode status) => (int)status >= 500;

    /// <summary>
    /// True when the connection could not be made, so no byte of the request reached a server.
    /// SocketsHttpHandler resends on its own when a pooled connection dies before the request is written.
    /// </summary>
    public static bool NeverReachedBackend(HttpRequestException exception) =>
        exception.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError;
}
