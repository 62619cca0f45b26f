using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Tests.Infrastructure;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.Hosting;

/// <summary>
/// Issue 8: the control plane failing never fails a request. Two gateway processes form one Redis
/// cluster; the one whose silo hosts the service grain is SIGKILLed while the other is under load.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class SiloLossTests
{
    private const string Stock = "/data-service/api/v1/data/stock?symbol=AAPL&period=1d";

    [Fact]
    public async Task Forward_SiloHostingTheServiceGrainKilledUnderLoad_SurvivorAnswersEveryRequestWith2xx()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 3);
        var settings = RedisCluster.Settings(redis, backends, ("service_discovery:services:data-service:algorithm", "round_robin"));
        await using var first = await GatewayProcessHost.StartAsync(settings);
        await using var second = await GatewayProcessHost.StartAsync(settings);
        await using var cluster = await RedisClusterClient.ConnectAsync(settings);
        await Eventually.MatchAsync(async () => (await cluster.Management.GetHosts(onlyActive: true)).Count, n => n == 2, "both silos to be active members");

        // Whichever silo the service grain landed on is the one to lose.
        var hostPort = await cluster.SiloPortOfAsync(cluster.Grains.GetGrain<IServiceGrain>("data-service"));
        var (victim, survivor) = hostPort == first.SiloPort ? (first, second) : (second, first);
        Assert.Equal(hostPort, victim.SiloPort);
        var epochBefore = await RouterEpochAsync(survivor);

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
            Assert.Equal(victim.SiloPort, await cluster.SiloPortOfAsync(cluster.Grains.GetGrain<IServiceGrain>("data-service")));
            await victim.KillAsync();
            Volatile.Write(ref killed, 1);
            var afterKill = Stopwatch.StartNew();

            // Load continues until the service grain has re-activated on the surviving silo and its new
            // epoch reached the survivor's router, and at least 3 s have passed since the kill (at most 25 s).
            await Eventually.MatchAsync(
                async () => await RouterEpochAsync(survivor) != epochBefore && afterKill.Elapsed > TimeSpan.FromSeconds(3),
                done => done,
                "the service grain to re-activate on the surviving silo and reach its router",
                TimeSpan.FromSeconds(25));
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(workers);
        }

        var after = results.Where(r => r.Phase == "after").ToList();
        Assert.True(after.Count >= 50, $"Only {after.Count} requests after the kill.");
        var bad = results.Where(r => r.Status is < 200 or > 299 || r.BodyLength == 0).ToList();
        Assert.True(
            bad.Count == 0,
            $"{bad.Count} of {results.Count} requests failed: " + string.Join("; ", bad.Take(10).Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.Phase} {b.Status} ({b.BodyLength} B) {b.Error}"))));
        Assert.All(backends.Instances, b => Assert.True(b.TotalRequests > 0, $"{b} got no traffic."));
    }

    /// <summary>The epoch of the snapshot the gateway's data-service router routes from (<c>GET /api/discovery/routers</c>).</summary>
    private static async Task<Guid> RouterEpochAsync(GatewayProcessHost gateway)
    {
        using var routers = JsonDocument.Parse(await gateway.Client.GetStringAsync(new Uri("/api/discovery/routers", UriKind.Relative)));
        return routers.RootElement.EnumerateArray().Single(r => r.GetProperty("service").GetString() == "data-service").GetProperty("epoch").GetGuid();
    }
}
