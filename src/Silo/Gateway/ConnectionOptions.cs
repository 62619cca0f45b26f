using Microsoft.Net.Http.Headers;

namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>
/// Headers named in a <c>Connection</c> header are for that one connection and must not be forwarded
/// (RFC 9110 §7.6.1). YARP drops the standard hop-by-hop headers, not the ones a peer names.
/// </summary>
internal static class ConnectionOptions
{
    /// <summary>Removes from <paramref name="request"/> every header that <paramref name="connection"/> names.</summary>
    public static void RemoveFrom(HttpRequestMessage request, IEnumerable<string?> connection)
    {
        foreach (var name in Names(connection))
        {
            if (request.Headers.Contains(name))
            {
                request.Headers.Remove(name);
            }

            if (request.Content is { } content && content.Headers.Contains(name))
            {
                content.Headers.Remove(name);
            }
        }
    }

    /// <summary>Removes from <paramref name="headers"/> every header that <paramref name="connection"/> names.</summary>
    public static void RemoveFrom(IHeaderDictionary headers, IEnumerable<string?> connection)
    {
        foreach (var name in Names(connection))
        {
            headers.Remove(name);
        }
    }

    private static IEnumerable<string> Names(IEnumerable<string?> connection)
    {
        foreach (var value in connection)
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            foreach (var token in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                // close and keep-alive are options, not header names; the framing headers are the
                // transport's own and are set again by it.
                if (!token.Equals("close", StringComparison.OrdinalIgnoreCase)
                    && !token.Equals("keep-alive", StringComparison.OrdinalIgnoreCase)
                    && !token.Equals(HeaderNames.Host, StringComparison.OrdinalIgnoreCase)
                    && !token.Equals(HeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase)
                    && !token.Equals(HeaderNames.TransferEncoding, StringComparison.OrdinalIgnoreCase))
                {
                    yield return token;
                }
            }
        }
    }
}
