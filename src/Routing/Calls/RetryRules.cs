using System.Globalization;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Calls;

/// <summary>
/// Which attempts may be sent again, the same rule for the gateway and the client library: a request
/// that never reached an instance is always safe to resend; one that may have been processed (a 5xx, a
/// timeout, a broken response, backpressure) only when its method is idempotent (RFC 9110 §9.2.2).
/// Retries go to another instance when one exists.
/// </summary>
public static class RetryRules
{
    /// <summary>True for GET, HEAD, PUT, DELETE, OPTIONS and TRACE.</summary>
    public static bool IsIdempotent(string method) =>
        string.Equals(method, "GET", StringComparison.OrdinalIgnoreCase)
        || string.Equals(method, "HEAD", StringComparison.OrdinalIgnoreCase)
        || string.Equals(method, "PUT", StringComparison.OrdinalIgnoreCase)
        || string.Equals(method, "DELETE", StringComparison.OrdinalIgnoreCase)
        || string.Equals(method, "OPTIONS", StringComparison.OrdinalIgnoreCase)
        || string.Equals(method, "TRACE", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when an attempt that ended as <paramref name="verdict"/> may be sent again.</summary>
    public static bool MayRetry(in AttemptVerdict verdict, bool idempotent) => verdict.Kind switch
    {
        OutcomeKind.Failure => verdict.NeverReached || idempotent,
        OutcomeKind.Backpressure => idempotent,
        _ => false,
    };

    /// <summary>Parses a <c>Retry-After</c> value: delay-seconds or an HTTP-date (RFC 9110 §10.2.3); null when absent or invalid.</summary>
    public static TimeSpan? ParseRetryAfter(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (long.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(Math.Min(seconds, 86_400));
        }

        if (DateTimeOffset.TryParseExact(value.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            var delay = date - now;
            return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
        }

        return null;
    }
}
