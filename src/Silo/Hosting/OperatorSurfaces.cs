namespace TradingAgents.Actors.Silo.Hosting;

/// <summary>
/// The paths for operators, not clients: the discovery API and operator actions (<c>/api</c>), the status
/// page (<c>/discovery</c>), the Orleans Dashboard (<c>/dashboard</c>) and <c>/metrics</c>. They expose
/// every internal address and can change routing, so one policy guards them all
/// (<see cref="OperatorAccessMiddleware"/>). <c>/health</c> and <c>/ready</c> stay open for probes.
/// </summary>
public static class OperatorSurfaces
{
    /// <summary>The first path segments of the operator surfaces.</summary>
    public static IReadOnlyList<string> Prefixes { get; } = ["/api", "/discovery", "/dashboard", "/metrics"];

    /// <summary>True when <paramref name="path"/> is an operator surface (case-insensitive, whole segments).</summary>
    public static bool Contains(PathString path)
    {
        foreach (var prefix in Prefixes)
        {
            if (path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
