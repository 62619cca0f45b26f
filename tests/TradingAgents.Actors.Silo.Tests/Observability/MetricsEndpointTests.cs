using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TradingAgents.Actors.Discovery.Kubernetes;
using TradingAgents.Actors.Tests.Infrastructure;

namespace TradingAgents.Actors.Tests.Observability;

[Collection(GatewayCollection.Name)]
public sealed class MetricsEndpointTests(GatewayFixture gateway)
{
    [Fact]
    public async Task MetricsPort_OtherPaths_AreNotServed()
    {
        using var metrics = await gateway.Http.GetAsync(new Uri($"http://127.0.0.1:{gateway.MetricsPort}/metrics"));
        using var api = await gateway.Http.GetAsync(new Uri($"http://127.0.0.1:{gateway.MetricsPort}/api/discovery/services"));
        using var page = await gateway.Http.GetAsync(new Uri($"http://127.0.0.1:{gateway.MetricsPort}/discovery"));

        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
    }

    [Fact]
    public async Task Metrics_MainPort_ServesPrometheusTextWithoutScopeLabelsOrTargetInfo()
    {
        using var response = await gateway.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("# TYPE service_instances_healthy gauge", text, StringComparison.Ordinal);
        Assert.DoesNotContain("otel_scope_", text, StringComparison.Ordinal);
        Assert.DoesNotContain("target_info", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_WatcherCounters_AreExportedWithTotalSuffix()
    {
        // The watcher's own instruments on the gateway's meter factory; the watcher itself needs an API server.
        var watcher = new KubernetesWatcherInstruments(gateway.App.Services.GetRequiredService<IMeterFactory>());
        watcher.Restarted("expired");
        watcher.Relisted();
        watcher.Relisted();
        for (var i = 0; i < 3; i++)
        {
            watcher.Rejected("no_http_port");
        }

        var lines = await ScrapeAsync();

        Assert.Contains("endpoint_watcher_restarts_total{reason=\"expired\"} 1", lines);
        // The exporter writes an unlabelled sample with empty braces, which the text format allows.
        Assert.Contains("endpoint_watcher_relists_total{} 2", lines);
        Assert.Contains("endpoint_watcher_rejected_objects_total{reason=\"no_http_port\"} 3", lines);
    }

    [Fact]
    public async Task Metrics_CallDuration_IsAHistogramInSecondsWithTimeoutScaleBuckets()
    {
        using var ok = await gateway.GetAsync("/analysis-engine/health");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        var lines = await ScrapeAsync();

        Assert.Contains("# TYPE service_call_duration_seconds histogram", lines);
        Assert.Contains(lines, l => l.StartsWith("service_call_duration_seconds_bucket{", StringComparison.Ordinal)
            && l.Contains("service=\"analysis-engine\"", StringComparison.Ordinal) && l.Contains("le=\"300\"", StringComparison.Ordinal));
    }

    private async Task<string[]> ScrapeAsync()
    {
        using var response = await gateway.GetAsync("/metrics");
        return (await response.Content.ReadAsStringAsync()).Split('\n');
    }
}
