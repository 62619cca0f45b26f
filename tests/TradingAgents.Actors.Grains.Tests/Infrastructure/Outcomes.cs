using System.Collections.Concurrent;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Tests.Infrastructure;

/// <summary>
/// Reports outcomes the way a router does: one ordered stream per reporter, each report with the next
/// sequence number of that reporter (a per-process counter, so it only grows, whichever grain it goes to).
/// </summary>
public static class Outcomes
{
    private static readonly ConcurrentDictionary<string, long> Sequences = new(StringComparer.Ordinal);

    /// <summary>The next sequence number of <paramref name="reporter"/>.</summary>
    public static long NextSequence(string reporter) => Sequences.AddOrUpdate(reporter, 1, static (_, s) => s + 1);

    /// <summary>Reports <paramref name="count"/> outcomes of one kind as one entry of <paramref name="reporter"/>'s stream.</summary>
    public static Task ReportAsync(
        IInstanceGrain grain,
        OutcomeKind kind,
        TimeSpan latency,
        long generation = 0,
        long leaseId = 0,
        string reporter = "test",
        int count = 1,
        string? error = null,
        TimeSpan? retryAfter = null)
    {
        ArgumentNullException.ThrowIfNull(grain);
        var entry = new OutcomeEntry(kind, count, latency, generation, leaseId, error ?? (kind == OutcomeKind.Failure ? "HTTP 500" : null), retryAfter);
        return ReportAsync(grain, reporter, entry);
    }

    /// <summary>Reports <paramref name="entries"/> as one report of <paramref name="reporter"/>'s stream.</summary>
    public static Task ReportAsync(IInstanceGrain grain, string reporter, params OutcomeEntry[] entries)
    {
        ArgumentNullException.ThrowIfNull(grain);
        return grain.ReportOutcomesAsync(new OutcomeReport(reporter, NextSequence(reporter), [.. entries])).AsTask();
    }
}
