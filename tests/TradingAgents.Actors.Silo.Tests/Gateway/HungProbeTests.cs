using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using TradingAgents.Actors.Tests.Infrastructure;

namespace TradingAgents.Actors.Tests.Gateway;

/// <summary>
/// Issue 8: no grain turn waits on a backend. One of three instances accepts its <c>/health</c> probe
/// and never answers it; requests to the other two must not wait on that probe. Their latency with the
/// probe hanging is compared with their latency in the same run while it answers.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class HungProbeTests
{
    private const string ProbeTimeoutSeconds = "2.5";

    [Fact]
    public async Task Forward_OneInstancesHealthProbeHangs_RequestsToTheOthersDoNotStall()
    {
        await using var healthy1 = await SwitchableBackend.StartAsync("healthy-1");
        await using var healthy2 = await SwitchableBackend.StartAsync("healthy-2");
        await using var hung = await SwitchableBackend.StartAsync("hung");
        var settings = new Dictionary<string, string?>(GatewayTestHost.Endpoints("data-service", healthy1.Address, healthy2.Address, hung.Address))
        {
            ["service_discovery:services:data-service:algorithm"] = "round_robin",
            ["service_discovery:load_balancing:health_check:interval"] = "3",
            ["service_discovery:load_balancing:health_check:timeout"] = ProbeTimeoutSeconds,
            ["service_discovery:load_balancing:health_check:failure_threshold"] = "3",

            // The service grain's refresh re-configures every instance grain once a second.
            ["service_discovery:cache:ttl"] = "1",
        };
        await using var gateway = await GatewayTestHost.StartAsync(settings);
        await Eventually.MatchAsync(() => Task.FromResult(hung.HealthProbes), n => n >= 1, "the first probe of the instance");

        // Baseline: every probe answers.
        var baseline = await MeasureAsync(gateway, hung, untilProbesHung: null);

        // The probe hangs from now on: measure from the first hung probe until a third one has started,
        // so that two whole probe timeouts lie inside the measurement.
        hung.HangHealth = true;
        await Eventually.MatchAsync(() => Task.FromResult(hung.HealthProbesHung), n => n >= 1, "a probe to hang", TimeSpan.FromSeconds(10));
        var withHungProbe = await MeasureAsync(gateway, hung, untilProbesHung: 3);

        Assert.Empty(baseline.Failures);
        Assert.Empty(withHungProbe.Failures);
        Assert.True(baseline.Latencies.Count >= 100, $"baseline: {baseline.Latencies.Count} requests");
        Assert.True(withHungProbe.Latencies.Count >= 100, $"hung probe: {withHungProbe.Latencies.Count} requests");

        // A stall behind the probe would last up to its timeout (2.5 s): with four callers sending all the
        // time, one of them arrives early in each hung probe. Allow twice the baseline's worst request plus
        // 500 ms, and never less than half the probe timeout: a loaded 2-core machine (CI builds running
        // beside it) has shown single 0.8 s pauses that had nothing to do with the probe.
        var baselineMax = baseline.Latencies.Max();
        var halfProbeTimeout = TimeSpan.FromSeconds(double.Parse(ProbeTimeoutSeconds, CultureInfo.InvariantCulture) / 2);
        var bound = TimeSpan.FromTicks(Math.Max(((baselineMax * 2) + TimeSpan.FromMilliseconds(500)).Ticks, halfProbeTimeout.Ticks));
        var worst = withHungProbe.Latencies.Max();
        Assert.True(
            worst <= bound,
            string.Create(CultureInfo.InvariantCulture, $"With the probe hanging the slowest request took {worst.TotalMilliseconds:0} ms; baseline max {baselineMax.TotalMilliseconds:0} ms, p99 {P99(baseline.Latencies):0} ms; bound {bound.TotalMilliseconds:0} ms."));
    }

    private static double P99(IReadOnlyList<TimeSpan> latencies) =>
        latencies.Order().ElementAt((int)(latencies.Count * 0.99)).TotalMilliseconds;

    /// <summary>
    /// Four concurrent callers; records the latency of requests answered by the healthy instances. Runs
    /// at least 150 requests, and with <paramref name="untilProbesHung"/> until that many probes have hung
    /// (at most 20 s).
    /// </summary>
    private static async Task<(IReadOnlyList<TimeSpan> Latencies, IReadOnlyList<string> Failures)> MeasureAsync(GatewayTestHost gateway, SwitchableBackend hung, long? untilProbesHung)
    {
        var latencies = new ConcurrentQueue<TimeSpan>();
        var failures = new ConcurrentQueue<string>();
        var count = 0;
        var deadline = Stopwatch.StartNew();
        bool Done() => Volatile.Read(ref count) >= 150 && (untilProbesHung is not { } n || hung.HealthProbesHung >= n);
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!Done() && deadline.Elapsed < TimeSpan.FromSeconds(20))
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await gateway.Client.GetAsync(new Uri("/data-service/api/quote", UriKind.Relative));
                var body = await response.Content.ReadAsStringAsync();
                var elapsed = Stopwatch.GetElapsedTime(started);
                Interlocked.Increment(ref count);
                if (response.StatusCode != HttpStatusCode.OK || body.Length == 0)
                {
                    failures.Enqueue($"{(int)response.StatusCode}: {body}");
                }
                else if (response.Headers.GetValues(SwitchableBackend.InstanceHeader).Single() != hung.Name)
                {
                    latencies.Enqueue(elapsed);
                }
            }
        }));
        await Task.WhenAll(workers);
        Assert.True(Done(), $"The measurement did not finish within 20 s ({count} requests, {hung.HealthProbesHung} hung probes).");
        return ([.. latencies], [.. failures]);
    }
}
