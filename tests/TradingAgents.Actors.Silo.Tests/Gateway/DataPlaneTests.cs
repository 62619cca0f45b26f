using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Routing;
using TradingAgents.Actors.Tests.Infrastructure;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.Gateway;

/// <summary>
/// Issue 8: requests are routed from local state that the grains push. Counts the grain calls the
/// silo receives while requests are proxied, and cuts the control plane off with a grain call filter.
/// </summary>
public sealed class DataPlaneTests
{
    private const string Stock = "/data-service/api/v1/data/stock?symbol=AAPL&period=1d";

    [Fact]
    public async Task Forward_SteadyState_MakesNoGrainCallPerRequest()
    {
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 3);
        var calls = new GrainCallRecorder();
        await using var gateway = await GatewayTestHost.StartAsync(
            Settings(backends, ("service_discovery:load_balancing:algorithm", "round_robin"), ("Routing:OutcomeFlushInterval", "01:00:00")),
            builder => builder.Services.AddSingleton<IIncomingGrainCallFilter>(calls));
        using (var warm = await gateway.Client.GetAsync(Stock))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        var router = gateway.Services.GetRequiredService<ServiceRouters>().Get("data-service");
        await router.FlushAsync();
        calls.Clear();
        foreach (var backend in backends.Instances)
        {
            backend.ResetCounters();
        }

        for (var i = 0; i < 300; i++)
        {
            using var response = await gateway.Client.GetAsync(Stock);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Nothing per request: no selection, no report, no snapshot read (subscription refreshes may run).
        Assert.Equal(0, calls.Count(nameof(IServiceGrain.SelectAsync)));
        Assert.Equal(0, calls.Count(nameof(IServiceGrain.GetSnapshotAsync)));
        Assert.Equal(0, calls.Count(nameof(IInstanceGrain.ReportOutcomesAsync)));

        // The successes travel in one ordered report per instance.
        await router.FlushAsync();
        Assert.Equal(3, calls.Count(nameof(IInstanceGrain.ReportOutcomesAsync)));
        Assert.All(backends.Instances, b => Assert.Equal(100, b.TotalRequests));
    }

    [Fact]
    public async Task Forward_ControlPlaneUnreachable_KeepsRoutingFromTheLastSnapshotAndReportsItsAge()
    {
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 2);
        var calls = new GrainCallRecorder();
        await using var gateway = await GatewayTestHost.StartAsync(
            Settings(backends, ("Routing:VersionCheckInterval", "00:00:00.100")),
            builder => builder.Services.AddSingleton<IIncomingGrainCallFilter>(calls));
        using (var warm = await gateway.Client.GetAsync(Stock))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        // Every call into the discovery grains now fails, as when their silo is gone.
        calls.FailDiscoveryGrains = true;
        var router = gateway.Services.GetRequiredService<ServiceRouters>().Get("data-service");
        await Eventually.MatchAsync(() => Task.FromResult(router.ControlPlaneError), e => e is not null, "the router to notice the control plane is gone");

        for (var i = 0; i < 20; i++)
        {
            using var response = await gateway.Client.GetAsync(Stock);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var age = router.SnapshotAge;
        Assert.NotNull(age);
        await Eventually.MatchAsync(() => Task.FromResult(router.SnapshotAge), a => a > age, "the snapshot to age while unconfirmed");
        using var routers = System.Text.Json.JsonDocument.Parse(await gateway.Client.GetStringAsync("/api/discovery/routers"));
        var entry = routers.RootElement.EnumerateArray().Single(r => r.GetProperty("service").GetString() == "data-service");
        Assert.True(entry.GetProperty("snapshotAgeSeconds").GetDouble() > 0);
        Assert.Contains("unreachable (test)", entry.GetProperty("controlPlaneError").GetString(), StringComparison.Ordinal);
        Assert.Equal(router.Snapshot.Algorithm, entry.GetProperty("algorithm").GetString());

        // Back: the next version check confirms the snapshot and clears the error.
        calls.FailDiscoveryGrains = false;
        await Eventually.MatchAsync(() => Task.FromResult(router.ControlPlaneError), e => e is null, "the router to reach the control plane again");
    }

    private static Dictionary<string, string?> Settings(Backends backends, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>(GatewayTestHost.Endpoints("data-service", backends.Addresses));
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>Counts the silo's incoming calls to the discovery grains by method, and can fail them.</summary>
    private sealed class GrainCallRecorder : IIncomingGrainCallFilter
    {
        private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

        public volatile bool FailDiscoveryGrains;

        public int Count(string method) => _counts.TryGetValue(method, out var count) ? count : 0;

        public void Clear() => _counts.Clear();

        public Task Invoke(IIncomingGrainCallContext context)
        {
            var type = context.InterfaceMethod?.DeclaringType;
            if (type == typeof(IServiceGrain) || type == typeof(IInstanceGrain))
            {
                _counts.AddOrUpdate(context.InterfaceMethod!.Name, 1, static (_, n) => n + 1);
                if (FailDiscoveryGrains)
                {
                    throw new InvalidOperationException("Discovery grains unreachable (test).");
                }
            }

            return context.Invoke();
        }
    }
}
