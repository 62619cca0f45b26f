using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Routing;
using TradingAgents.Actors.Tests.Infrastructure;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.Hosting;

/// <summary>
/// Issue 8: the control plane failing never fails a request. Two gateways form one Redis cluster; the
/// one whose silo hosts the service's grains runs in its own process and is SIGKILLed while the other
/// is under load.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class SiloLossTests(ITestOutputHelper output)
{
    private const string Stock = "/data-service/api/v1/data/stock?symbol=AAPL&period=1d";

    [Fact]
    public async Task Forward_SiloHostingTheServiceGrainsKilledUnderLoad_SurvivorAnswersEveryRequestWith2xx()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 3);
        var settings = RedisCluster.Settings(redis, backends, ("service_discovery:services:data-service:algorithm", "round_robin"));

        // Started alone, the victim's silo is the only one when its router warm-up activates the
        // service grain, and the service grain activates the instance grains: all of them live there.
        var clock = Stopwatch.StartNew();
        await using var victim = await GatewayProcessHost.StartAsync(settings);
        output.WriteLine($"victim ready {clock.Elapsed}");
        await using var survivor = await GatewayTestHost.StartAsync(settings);
        output.WriteLine($"survivor ready {clock.Elapsed}");
        var grains = survivor.Services.GetRequiredService<IGrainFactory>();
        var management = grains.GetGrain<IManagementGrain>(0);
        await Eventually.MatchAsync(async () => (await management.GetHosts(onlyActive: true)).Count, n => n == 2, "both silos to be active members");
        var survivorSilo = survivor.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        var serviceGrainSilo = await management.GetActivationAddress(grains.GetGrain<IServiceGrain>("data-service"));
        Assert.NotNull(serviceGrainSilo);
        Assert.NotEqual(survivorSilo, serviceGrainSilo);

        var router = survivor.Services.GetRequiredService<ServiceRouters>().Get("data-service");
        await router.FirstSnapshot.WaitAsync(TimeSpan.FromSeconds(15));
        var epochBefore = router.Snapshot.Epoch;
        Assert.Equal(3, router.Snapshot.Instances.Length);

        var results = new ConcurrentQueue<(string Phase, int Status, int BodyLength, string? Error)>();
        var killed = 0;
        using var stop = new CancellationTokenSource();
        using var client = new HttpClient { BaseAddress = survivor.Address, Timeout = TimeSpan.FromSeconds(10) };
        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var phase = Volatile.Read(ref killed) == 0 ? "before" : "after";
                try
                {
                    using var response = await client.GetAsync(new Uri(Stock, UriKind.Relative), CancellationToken.None);
                    var body = await response.Content.ReadAsByteArrayAsync(CancellationToken.None);
                    results.Enqueue((phase, (int)response.StatusCode, body.Length, null));
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    results.Enqueue((phase, 0, 0, ex.GetBaseException().Message));
                }
            }
        })).ToList();

        try
        {
            await Eventually.MatchAsync(() => Task.FromResult(results.Count), n => n >= 200, "traffic before the kill");
            await victim.KillAsync();
            Volatile.Write(ref killed, 1);
            var afterKill = Stopwatch.StartNew();
            output.WriteLine($"killed {clock.Elapsed}");

            // Load continues until the survivor's silo has taken the grains over (a new epoch reached the
            // router) and at least 3 s have passed since the kill, at most 25 s.
            await Eventually.MatchAsync(
                () => Task.FromResult(router.Snapshot.Epoch != epochBefore && afterKill.Elapsed > TimeSpan.FromSeconds(3)),
                done => done,
                "the service grain to re-activate on the surviving silo and reach its router",
                TimeSpan.FromSeconds(25));
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(workers);
        }

        output.WriteLine($"done {clock.Elapsed}: {results.Count} requests, control-plane error seen: {router.ControlPlaneError}");
        var after = results.Where(r => r.Phase == "after").ToList();
        Assert.True(after.Count >= 50, $"Only {after.Count} requests after the kill.");
        var bad = results.Where(r => r.Status is < 200 or > 299 || r.BodyLength == 0).ToList();
        Assert.True(
            bad.Count == 0,
            $"{bad.Count} of {results.Count} requests failed: " + string.Join("; ", bad.Take(10).Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.Phase} {b.Status} ({b.BodyLength} B) {b.Error}"))));

        // The router kept routing over all three instances from its snapshot, then from the new epoch's.
        Assert.Equal(3, router.Snapshot.Instances.Length);
        Assert.All(backends.Instances, b => Assert.True(b.TotalRequests > 0, $"{b} got no traffic."));
    }
}
