namespace TradingAgents.DemoServices;

/// <summary>The logical service names and default ports of the seed's <c>config.yaml</c>.</summary>
public static class DemoServiceNames
{
    /// <summary>The logical name of <see cref="DemoServiceKind.AnalysisEngine"/>.</summary>
    public const string AnalysisEngine = "analysis-engine";

    /// <summary>The logical name of <see cref="DemoServiceKind.DataService"/>.</summary>
    public const string DataService = "data-service";

    /// <summary>The logical name of <see cref="DemoServiceKind.LlmService"/>.</summary>
    public const string LlmService = "llm-service";

    /// <summary>The logical name of <see cref="DemoServiceKind.MemoryService"/>.</summary>
    public const string MemoryService = "memory-service";

    /// <summary>Every accepted name, in <see cref="DemoServiceKind"/> order.</summary>
    public static IReadOnlyList<string> All { get; } = [AnalysisEngine, DataService, LlmService, MemoryService];

    /// <summary>Every service kind, in declaration order.</summary>
    public static IReadOnlyList<DemoServiceKind> Kinds { get; } =
        [DemoServiceKind.AnalysisEngine, DemoServiceKind.DataService, DemoServiceKind.LlmService, DemoServiceKind.MemoryService];

    /// <summary>Returns the logical name of <paramref name="service"/>, for example <c>data-service</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined kind.</exception>
    public static string Of(DemoServiceKind service) => service switch
    {
        DemoServiceKind.AnalysisEngine => AnalysisEngine,
        DemoServiceKind.DataService => DataService,
        DemoServiceKind.LlmService => LlmService,
        DemoServiceKind.MemoryService => MemoryService,
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, "Not a defined demo service kind."),
    };

    /// <summary>Returns the seed's port of <paramref name="service"/>: 8005, 8003, 8004 or 8006.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined kind.</exception>
    public static int DefaultPort(DemoServiceKind service) => service switch
    {
        DemoServiceKind.AnalysisEngine => 8005,
        DemoServiceKind.DataService => 8003,
        DemoServiceKind.LlmService => 8004,
        DemoServiceKind.MemoryService => 8006,
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, "Not a defined demo service kind."),
    };

    /// <summary>Parses a logical name (case-insensitive).</summary>
    /// <returns><see langword="true"/> when <paramref name="name"/> is one of <see cref="All"/>.</returns>
    public static bool TryParse(string? name, out DemoServiceKind service)
    {
        foreach (var kind in Kinds)
        {
            if (string.Equals(name, Of(kind), StringComparison.OrdinalIgnoreCase))
            {
                service = kind;
                return true;
            }
        }

        service = default;
        return false;
    }

    /// <summary>Parses a logical name (case-insensitive).</summary>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the accepted names.</exception>
    public static DemoServiceKind Parse(string name)
    {
        if (TryParse(name, out var service))
        {
            return service;
        }

        throw new ArgumentException(UnknownMessage(name), nameof(name));
    }

    internal static string UnknownMessage(string? name) =>
        $"Unknown service '{name}'; accepted: {string.Join(", ", All)}.";
}
