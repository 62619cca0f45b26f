namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>First path segments the gateway serves itself and never forwards.</summary>
public static class ReservedPaths
{
    /// <summary>The reserved first segments: api, health, ready, dashboard, metrics, discovery.</summary>
    public static IReadOnlyList<string> Segments { get; } = ["api", "health", "ready", "dashboard", "metrics", "discovery"];

    /// <summary>True when <paramref name="segment"/> is reserved (case-insensitive).</summary>
    public static bool IsReserved(string segment)
    {
        foreach (var reserved in Segments)
        {
            if (string.Equals(reserved, segment, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
