using Microsoft.AspNetCore.Http.Features;

namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>
/// The instance's request target as the client sent it: the raw path after the service segment, not
/// the decoded path encoded again. Re-encoding turns <c>a%2Fb</c> into <c>a%252Fb</c> and double-encodes
/// escapes that do not decode (<c>%c0%ae</c>).
/// </summary>
internal static class ExactRequestTarget
{
    private static readonly UriCreationOptions AsIs = new() { DangerousDisablePathAndQueryCanonicalization = true };

    /// <summary>
    /// The destination for <paramref name="destinationPrefix"/> (<c>http://host:port/</c>) with the raw path
    /// after the first segment and <paramref name="query"/>; null when the raw target cannot be used as is:
    /// not in origin form, a first segment other than <paramref name="service"/> as written, or a dot segment
    /// (the gateway routed on the path with dot segments removed, so the instance must get that one).
    /// </summary>
    public static Uri? Destination(HttpContext context, string service, string destinationPrefix, QueryString query)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw) || raw[0] != '/')
        {
            return null;
        }

        var pathEnd = raw.IndexOf('?', StringComparison.Ordinal);
        var path = pathEnd < 0 ? raw.AsSpan() : raw.AsSpan(0, pathEnd);
        var segmentEnd = path.Length > 1 ? path[1..].IndexOf('/') : -1;
        var first = segmentEnd < 0 ? path[1..] : path.Slice(1, segmentEnd);
        if (!first.SequenceEqual(service))
        {
            return null;
        }

        var rest = segmentEnd < 0 ? ReadOnlySpan<char>.Empty : path[(segmentEnd + 1)..];
        if (HasDotSegment(rest))
        {
            return null;
        }

        var prefix = destinationPrefix.AsSpan().TrimEnd('/');
        return new Uri(string.Concat(prefix, rest.IsEmpty ? "/" : rest, query.Value), in AsIs);
    }

    private static bool HasDotSegment(ReadOnlySpan<char> path)
    {
        foreach (var range in path.Split('/'))
        {
            var segment = path[range];

            // ".", "..", and their escaped forms ("%2e", ".%2E", "%2e%2e", ...).
            if (segment.Length is > 0 and <= 6 && segment.ToString().Replace("%2e", ".", StringComparison.OrdinalIgnoreCase) is "." or "..")
            {
                return true;
            }
        }

        return false;
    }
}
