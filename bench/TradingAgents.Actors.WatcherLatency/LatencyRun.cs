using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using k8s.Models;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Tests.Fakes;

namespace TradingAgents.Actors.Benchmarks;

/// <summary>
/// Toggles one endpoint of a service through the fake API server and measures, for each change, the time
/// from the fake starting to write the watch event to the service grain selecting the endpoint (added)
/// or never selecting it again (removed). The toggled endpoint is alone in zone <see cref="ToggledZone"/> and
/// selections prefer that zone, so it is chosen as soon as it exists, and never once it is gone.
/// </summary>
internal sealed record LatencyRun(
    FakeKubernetesApiServer Server,
    IServiceGrain Grain,
    string Name,
    string Toggled,
    Func<bool, V1EndpointSlice> Slice)
{
    public const string ToggledZone = "zone-toggled";

    public static string Address(int i) => string.Create(CultureInfo.InvariantCulture, $"127.0.{3 + (i / 250)}.{1 + (i % 250)}");

    public async Task RunAsync(int changes)
    {
        var request = new SelectionRequest(PreferredZone: ToggledZone);
        var toggled = $"{Toggled}:8080";
        var added = new List<TimeSpan>();
        var removed = new List<TimeSpan>();
        const int Warmup = 50;
        for (var i = 0; i < changes + Warmup; i++)
        {
            var present = i % 2 == 0;
            var version = Server.Apply(Slice(present));
            var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 10);
            while (true)
            {
                var selection = await Grain.SelectAsync(request);
                if ((selection.Endpoint?.InstanceId == toggled) == present)
                {
                    break;
                }

                if (Stopwatch.GetTimestamp() > deadline)
                {
                    throw new TimeoutException($"{Name}: change {i} (version {version}) not visible after 10 s.");
                }
            }

            if (!Server.SentAt.TryGetValue(version, out var sentAt))
            {
                throw new InvalidOperationException($"{Name}: change {i} (version {version}) was seen before the fake sent it; requests: {string.Join(" | ", Server.Requests)}");
            }

            var latency = Stopwatch.GetElapsedTime(sentAt);
            if (i >= Warmup)
            {
                (present ? added : removed).Add(latency);
            }
        }

        Print($"{Name}: event → selectable", added);
        Print($"{Name}: event → no longer selectable", removed);
    }

    public static void Print(string name, List<TimeSpan> samples)
    {
        var ordered = samples.Order().ToImmutableArray();
        static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0.000", CultureInfo.InvariantCulture) + " ms";
        Console.WriteLine($"| {name} | {ordered.Length} | {Ms(Percentile(ordered, 0.50))} | {Ms(Percentile(ordered, 0.99))} | {Ms(ordered[^1])} |");
    }

    private static TimeSpan Percentile(ImmutableArray<TimeSpan> ordered, double p) =>
        ordered[Math.Clamp((int)Math.Ceiling(p * ordered.Length) - 1, 0, ordered.Length - 1)];
}
