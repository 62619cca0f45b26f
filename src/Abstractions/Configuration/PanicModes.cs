namespace TradingAgents.Actors.Configuration;

/// <summary>The accepted <c>panic_mode</c> values: what a service does when too few of its instances are healthy.</summary>
public static class PanicModes
{
    /// <summary>Route across every instance that is not known dead (Envoy's panic routing). The default.</summary>
    public const string RouteAll = "route_all";

    /// <summary>Answer ordinary requests at once with 503 (trial calls of half-open circuits still go).</summary>
    public const string FailFast = "fail_fast";

    /// <summary>Every accepted name.</summary>
    public static IReadOnlyList<string> All { get; } = [RouteAll, FailFast];
}
