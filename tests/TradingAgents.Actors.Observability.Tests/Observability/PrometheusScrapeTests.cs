using System.Diagnostics;
using System.Net;
using TradingAgents.Actors.Tests.Infrastructure;

namespace TradingAgents.Actors.Tests.Observability;

/// <summary>A real Prometheus scrapes the gateway's metrics port while calls succeed, fail and open circuits.</summary>
[Collection(GatewayCollection.Name)]
public sealed class PrometheusScrapeTests(GatewayFixture gateway)
{
    private static readonly TimeSpan ScrapeWait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Scrape_TrafficWithFailuresAndAnOpenCircuit_EverySeedMetricHasSeriesWithItsLabels()
    {
        // data-service: 10 calls, all answered. memory-service: every instance answers 500, so every
        // call fails after its retries and both circuits open.
        for (var i = 0; i < 10; i++)
        {
            using var ok = await gateway.GetAsync("/data-service/health");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        foreach (var backend in gateway.Backends["memory-service"])
        {
            backend.Faults.ErrorRate = 1.0;
        }

        try
        {
            for (var i = 0; i < 6; i++)
            {
                using var failed = await gateway.GetAsync("/memory-service/api/v1/ping");
                Assert.True((int)failed.StatusCode >= 500, $"memory-service call {i} answered {failed.StatusCode}");
            }
        }
        finally
        {
            foreach (var backend in gateway.Backends["memory-service"])
            {
                backend.Faults.Clear();
            }
        }

        await using var prometheus = await PrometheusServer.StartAsync($"127.0.0.1:{gateway.MetricsPort}");

        await AssertSeriesAsync(prometheus, "service_discovery_calls_total{service=\"data-service\"}", ["service"], 10);
        await AssertSeriesAsync(prometheus, "sum by (service) (service_selections_total{service=\"data-service\"})", ["service"], 10);
        await AssertSeriesAsync(prometheus, "sum by (service, outcome) (service_call_duration_seconds_count{service=\"data-service\"})", ["outcome", "service"], 10);
        await AssertSeriesAsync(prometheus, "max_over_time(service_discovery_failure_rate{service=\"data-service\"}[5m])", ["service"], 0);
        await AssertSeriesAsync(prometheus, "max_over_time(service_discovery_failure_rate{service=\"memory-service\"}[5m])", ["service"], 1);
        // Routers are warmed at start-up (the seed's pre-warm): all ten picks come from local state.
        await AssertSeriesAsync(prometheus, "max_over_time(service_discovery_cache_hit_rate{service=\"data-service\"}[5m])", ["service"], 1);

        var circuits = await WaitForAsync(prometheus, "max_over_time(circuit_breaker_state{service=\"memory-service\"}[5m])", expectedCount: 2);
        Assert.All(circuits, c => Assert.Equal(2, c.Value));
        Assert.Equal(
            gateway.Backends["memory-service"].Select(GatewayFixture.InstanceIdOf).Order(StringComparer.Ordinal),
            circuits.Select(c => c.Labels["instance"]).Order(StringComparer.Ordinal));

        // No instance label on the histogram (it would keep every pod ever called); per instance, the routers' counter.
        await AssertLabelsAsync(prometheus, "service_call_duration_seconds_bucket", ["le", "outcome", "service"]);
        await AssertSeriesAsync(prometheus, "sum by (service) (service_router_calls_total{service=\"data-service\", outcome=\"success\"})", ["service"], 10);
        await AssertLabelsAsync(prometheus, "service_router_calls_total", ["instance", "outcome", "service"]);
        await AssertLabelsAsync(prometheus, "service_instances_healthy", ["service"]);
        await AssertLabelsAsync(prometheus, "service_instances_selectable", ["service"]);
        await AssertLabelsAsync(prometheus, "circuit_breaker_state", ["instance", "service"]);
        await AssertLabelsAsync(prometheus, "service_selections_total", ["instance", "service"]);
        await AssertLabelsAsync(prometheus, "service_health_checks_total", ["instance", "result", "service"]);
        await AssertLabelsAsync(prometheus, "endpoint_sync_age_seconds", ["service", "source"]);
        await AssertLabelsAsync(prometheus, "service_panic_mode", ["service"]);
        await AssertLabelsAsync(prometheus, "service_instances_ejected", ["service"]);

        // Both circuits open is 0 of 2 healthy, below the default panic threshold of 50 %: the service is in panic
        // (route_all), so both instances take traffic again and count as selectable (issue 12).
        await AssertSeriesAsync(prometheus, "service_panic_mode{service=\"memory-service\"}", ["service"], 1);
        await AssertSeriesAsync(prometheus, "service_panic_mode{service=\"data-service\"}", ["service"], 0);
        await AssertSeriesAsync(prometheus, "service_instances_ejected{service=\"memory-service\"}", ["service"], 2);
        var selectable = await WaitForAsync(prometheus, "service_instances_selectable{service=\"memory-service\"}", expectedCount: 1);
        Assert.Equal(2, selectable[0].Value);
    }

    private static async Task AssertSeriesAsync(PrometheusServer prometheus, string promql, string[] labels, double expected)
    {
        var series = Assert.Single(await WaitForAsync(prometheus, promql, expectedCount: 1));
        Assert.Equal(labels, OwnLabels(series.Labels, labels));
        Assert.Equal(expected, series.Value, 9);
    }

    private static async Task AssertLabelsAsync(PrometheusServer prometheus, string metric, string[] labels)
    {
        var series = await WaitForAsync(prometheus, metric, expectedCount: 1);
        Assert.All(series, s => Assert.Equal(labels, OwnLabels(s.Labels, labels)));
    }

    // job (and instance, for series without their own) are Prometheus' target labels.
    private static string[] OwnLabels(Dictionary<string, string> labels, string[] expected) =>
        [.. labels.Keys
            .Where(k => k is not "__name__" and not "job" && (k != "instance" || expected.Contains("instance")))
            .Order(StringComparer.Ordinal)];

    private static Task<IReadOnlyList<(Dictionary<string, string> Labels, double Value)>> WaitForAsync(
        PrometheusServer prometheus, string promql, int expectedCount) =>
        Eventually.MatchAsync(
            () => prometheus.QueryAsync(promql),
            series => series.Count >= expectedCount,
            $"at least {expectedCount} series for {promql} in Prometheus",
            ScrapeWait);
}
