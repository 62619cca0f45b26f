using System.Globalization;
using System.Net.Http;
using System.Net.Sockets;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Calls;

/// <summary>
/// The one classification of an attempt's end, shared by the gateway and the client library:
/// <list type="bullet">
/// <item>the caller gave up (client abort, caller's cancellation) → <see cref="OutcomeKind.Cancelled"/>, whatever else happened;</item>
/// <item>a connect failure (refused, unreachable, name resolution, connect timeout) → failure, never reached the instance;</item>
/// <item>the attempt timeout or the request's deadline → failure (timed out);</item>
/// <item>any other transport error → failure;</item>
/// <item>429, or 503 with <c>Retry-After</c> → <see cref="OutcomeKind.Backpressure"/> (RFC 9110 §10.2.3, RFC 6585 §4);</item>
/// <item>any other 5xx → failure; anything else → success (a 4xx is the caller's problem, not the instance's).</item>
/// </list>
/// </summary>
public static class AttemptClassifier
{
    /// <summary>Classifies one attempt.</summary>
    /// <param name="callerGaveUp">The client aborted or the caller's token was cancelled.</param>
    /// <param name="timedOut">The attempt timeout or the deadline fired.</param>
    /// <param name="timeout">The timeout that fired, for the message.</param>
    /// <param name="error">The transport exception; null when a response arrived.</param>
    /// <param name="status">The response status; 0 when none.</param>
    /// <param name="retryAfter">The response's parsed <c>Retry-After</c>; null when absent.</param>
    public static AttemptVerdict Classify(bool callerGaveUp, bool timedOut, TimeSpan timeout, Exception? error, int status, TimeSpan? retryAfter)
    {
        if (callerGaveUp)
        {
            return new AttemptVerdict(OutcomeKind.Cancelled, NeverReached: false, null, TimedOut: false, null);
        }

        if (error is not null && IsConnectFailure(error))
        {
            return new AttemptVerdict(OutcomeKind.Failure, NeverReached: true, $"connect failed: {error.GetBaseException().Message}", TimedOut: false, null);
        }

        if (timedOut)
        {
            return new AttemptVerdict(OutcomeKind.Failure, NeverReached: false,
                $"timed out after {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s", TimedOut: true, null);
        }

        if (error is not null)
        {
            return new AttemptVerdict(OutcomeKind.Failure, NeverReached: false, $"{error.GetType().Name}: {error.GetBaseException().Message}", TimedOut: false, null);
        }

        if (status == 429 || (status == 503 && retryAfter is not null))
        {
            return new AttemptVerdict(OutcomeKind.Backpressure, NeverReached: false, $"status {status} (backpressure)", TimedOut: false, retryAfter);
        }

        if (status >= 500)
        {
            return new AttemptVerdict(OutcomeKind.Failure, NeverReached: false, $"status {status}", TimedOut: false, null);
        }

        return new AttemptVerdict(OutcomeKind.Success, NeverReached: false, null, TimedOut: false, null);
    }

    /// <summary>True when the failure happened before any byte of the request reached the instance.</summary>
    public static bool IsConnectFailure(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }:
                    return true;
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostNotFound }:
                    return true;
                case TimeoutException when exception is OperationCanceledException or HttpRequestException:
                    // SocketsHttpHandler's ConnectTimeout: cancelled with a TimeoutException inside.
                    return true;
            }
        }

        return false;
    }
}
