using TradingAgents.Actors.Configuration;

namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>
/// Admits a request to a service only when its path after <c>/{service}</c> starts (whole segments,
/// case-sensitive) with one of the service's <c>forward_paths</c>; every path when the service lists
/// none. The path checked is the decoded one with dot segments removed, the one the instance gets.
/// </summary>
internal static class RouteFilter
{
    /// <summary>True when <paramref name="remainingPath"/> may be forwarded to <paramref name="service"/>.</summary>
    public static bool IsForwarded(ServiceOptions service, PathString remainingPath)
    {
        if (service.ForwardPaths is not { } prefixes)
        {
            return true;
        }

        var path = remainingPath.HasValue ? remainingPath : new PathString("/");
        foreach (var prefix in prefixes)
        {
            if (prefix == "/" || path.StartsWithSegments(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Answers 404 and returns false when the path is not forwarded to <paramref name="service"/>.
    /// <paramref name="path"/> is the whole request path, <c>/{service}/...</c>.
    /// </summary>
    public static async ValueTask<bool> AdmitAsync(HttpContext context, string service, string path, ServiceDiscoveryOptions options)
    {
        var remaining = new PathString(path.Length > service.Length + 1 ? path[(service.Length + 1)..] : "/");
        if (IsForwarded(options.GetService(service), remaining))
        {
            return true;
        }

        await GatewayProblems.WriteAsync(context, StatusCodes.Status404NotFound, "Not found",
            $"'{remaining}' is not forwarded to '{service}': its forward_paths do not list it.", service).ConfigureAwait(false);
        return false;
    }
}
