using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Routing;
using TradingAgents.Actors.Silo.Hosting;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.GatewayLoad;

/// <summary>
/// Two gateways in one Redis cluster (redis-server on 127.0.0.1, both gateways in this process):
/// (a) per-gateway throughput with both loaded against one gateway loaded alone, interleaved rounds;
/// (b) how long a change applied to the service grain takes to reach both gateways' routers;
/// (c) round-robin shares over three instances with both gateways sending.
/// </summary>
internal static class FleetBench
{
    private const string Path = "/data-service/api/v1/data/stock?symbol=AAPL&period=1d";

    public static async Task RunAsync(int requests, int concurrency, int rounds, int changes, int roundRobinRequests)
    {
        using var redis = StartRedis(out var redisPort);
        var backends = new List<DemoBackend>();
        for (var i = 0; i < 3; i++)
        {
            backends.Add(await DemoBackend.StartAsync(new DemoBackendOptions { Service = DemoServiceKind.DataService, Port = 0, InstanceName = $"data-service-{i + 1}" }));
        }

        var clusterId = $"bench-{Guid.NewGuid():N}";
        var first = await StartGatewayAsync(backends, redisPort, clusterId);
        var second = await StartGatewayAsync(backends, redisPort, clusterId);
        var routers = new[] { first, second }.Select(g => g.App.Services.GetRequiredService<ServiceRouters>().Get("data-service")).ToArray();
        await Task.WhenAll(routers.Select(r => r.FirstSnapshot)).WaitAsync(TimeSpan.FromSeconds(30));
        Console.WriteLine($"redis-server :{redisPort}, 2 gateways (one process), 3 demo backends, {Environment.ProcessorCount} cores, .NET {Environment.Version}.");

        await ThroughputAsync(first.Url, second.Url, requests, concurrency, rounds);
        await PropagationAsync(first.App, routers, changes);
        await RoundRobinAsync(first.Url, second.Url, backends, roundRobinRequests, concurrency);

        await second.App.StopAsync();
        await first.App.StopAsync();
        foreach (var backend in backends)
        {
            await backend.DisposeAsync();
        }

        redis.Kill(entireProcessTree: true);
        await redis.WaitForExitAsync();
    }

    /// <summary>(a) One gateway loaded alone, then both loaded at once, interleaved; median of rounds.</summary>
    private static async Task ThroughputAsync(Uri first, Uri second, int requests, int concurrency, int rounds)
    {
        using var warmA = new LoadRunner(concurrency, Math.Max(1000, requests / 10), TimeSpan.FromSeconds(30));
        using var warmB = new LoadRunner(concurrency, Math.Max(1000, requests / 10), TimeSpan.FromSeconds(30));
        await Task.WhenAll(warmA.RunAsync("warm", new Uri(first, Path)), warmB.RunAsync("warm", new Uri(second, Path)));

        using var runnerA = new LoadRunner(concurrency, requests, TimeSpan.FromSeconds(60));
        using var runnerB = new LoadRunner(concurrency, requests, TimeSpan.FromSeconds(60));
        var single = new List<LoadResult>();
        var pairA = new List<LoadResult>();
        var pairB = new List<LoadResult>();
        for (var round = 0; round < rounds; round++)
        {
            var alone = await runnerA.RunAsync("one gateway loaded", new Uri(first, Path));
            single.Add(alone);
            var both = await Task.WhenAll(runnerA.RunAsync("gateway 1 of 2", new Uri(first, Path)), runnerB.RunAsync("gateway 2 of 2", new Uri(second, Path)));
            pairA.Add(both[0]);
            pairB.Add(both[1]);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round + 1}: alone {alone.RequestsPerSecond:F0} req/s p99 {alone.P99Ms:F2} ms; both {both[0].RequestsPerSecond:F0} + {both[1].RequestsPerSecond:F0} req/s, p99 {both[0].P99Ms:F2} / {both[1].P99Ms:F2} ms"));
        }

        Console.WriteLine();
        Console.WriteLine($"(a) throughput: {requests} GETs per gateway per round, {concurrency} connections per gateway, {rounds} interleaved rounds, medians.");
        Console.WriteLine();
        Console.WriteLine("| load | requests/s per gateway | p50 (ms) | p99 (ms) | failures |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Row("one gateway loaded (cluster of 2)", single);
        Row("two gateways loaded: gateway 1", pairA);
        Row("two gateways loaded: gateway 2", pairB);
        var alonePerGateway = Median(single.Select(r => r.RequestsPerSecond));
        var pairPerGateway = (Median(pairA.Select(r => r.RequestsPerSecond)) + Median(pairB.Select(r => r.RequestsPerSecond))) / 2;
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Per-gateway throughput with both loaded / one loaded alone: {pairPerGateway / alonePerGateway:F2}x; fleet total {2 * pairPerGateway / alonePerGateway:F2}x of one gateway."));
    }

    /// <summary>
    /// (b) Publishes a new endpoint set of a second source through the first gateway's silo (the service
    /// grain applies it and pushes a snapshot) and times until both routers route from a snapshot that has it.
    /// </summary>
    private static async Task PropagationAsync(WebApplication first, ServiceRouter[] routers, int changes)
    {
        var catalog = first.Services.GetRequiredService<EndpointCatalog>();
        var samples = new List<double>(changes);
        for (var i = 1; i <= changes; i++)
        {
            // Toggles a fourth, unreachable endpoint between two ports: each change adds one and removes the other.
            var port = 9 + (i % 2);
            var expected = EndpointAddress.Format("127.0.0.1", port);
            var started = Stopwatch.GetTimestamp();
            await catalog.PublishAsync("data-service", new EndpointSetUpdate(
                "bench", i, [new ServiceEndpoint("127.0.0.1", port, EndpointConditions.ReadyToServe)], DateTimeOffset.UtcNow));
            var deadline = started + (5 * Stopwatch.Frequency);
            while (!routers.All(r => Has(r.Snapshot, expected)))
            {
                if (Stopwatch.GetTimestamp() > deadline)
                {
                    throw new TimeoutException($"Change {i} did not reach both routers within 5 s.");
                }

                await Task.Delay(1);
            }

            samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        // The bench source leaves again: the round-robin run must see only the three real backends.
        await catalog.PublishAsync("data-service", new EndpointSetUpdate("bench", changes + 1, [], DateTimeOffset.UtcNow, Withdrawn: true));
        var settled = Stopwatch.StartNew();
        while (!routers.All(r => r.Snapshot.Instances.Length == 3))
        {
            if (settled.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new TimeoutException("The withdrawn bench endpoint did not leave both routers within 10 s.");
            }

            await Task.Delay(1);
        }

        samples.Sort();
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"(b) change propagation, {changes} endpoint-set changes published through gateway 1's silo until both routers route from them (polled every ~1 ms): p50 {P(samples, 0.50):F1} ms, p90 {P(samples, 0.90):F1} ms, p99 {P(samples, 0.99):F1} ms, max {samples[^1]:F1} ms (target p99 <= 50 ms)."));

        static bool Has(RoutingSnapshot snapshot, string instanceId)
        {
            foreach (var instance in snapshot.Instances)
            {
                if (instance.InstanceId == instanceId)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>(c) Both gateways send half of <paramref name="total"/> at once; shares counted at the backends.</summary>
    private static async Task RoundRobinAsync(Uri first, Uri second, List<DemoBackend> backends, int total, int concurrency)
    {
        foreach (var backend in backends)
        {
            backend.ResetCounters();
        }

        using var runnerA = new LoadRunner(concurrency, total / 2, TimeSpan.FromSeconds(300));
        using var runnerB = new LoadRunner(concurrency, total - (total / 2), TimeSpan.FromSeconds(300));
        var results = await Task.WhenAll(runnerA.RunAsync("rr 1", new Uri(first, Path)), runnerB.RunAsync("rr 2", new Uri(second, Path)));
        var counts = backends.Select(b => b.TotalRequests).ToArray();
        var sum = counts.Sum();
        var deviation = counts.Max(c => Math.Abs(c - (sum / 3.0))) / (sum / 3.0);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"(c) round robin over two gateways: {sum} requests ({results[0].Failures + results[1].Failures} failures) -> {string.Join(" / ", counts)}; max deviation from an equal share {deviation:P2} (target <= 2%)."));
    }

    private static void Row(string name, List<LoadResult> results) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {Median(results.Select(r => r.RequestsPerSecond)):F0} | {Median(results.Select(r => r.P50Ms)):F3} | {Median(results.Select(r => r.P99Ms)):F3} | {results.Sum(r => r.Failures)} |"));

    private static async Task<(WebApplication App, Uri Url)> StartGatewayAsync(List<DemoBackend> backends, int redisPort, string clusterId)
    {
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Cluster:Provider"] = "Redis",
            ["Cluster:RedisConnectionString"] = $"127.0.0.1:{redisPort}",
            ["Cluster:ClusterId"] = clusterId,
            ["Cluster:ServiceId"] = clusterId,
            ["Cluster:AdvertisedIPAddress"] = "127.0.0.1",
            ["Cluster:SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
            ["service_discovery:load_balancing:algorithm"] = "round_robin",
            ["service_discovery:load_balancing:health_check:interval"] = "60",
        };
        for (var i = 0; i < backends.Count; i++)
        {
            settings[$"service_discovery:services:data-service:endpoints:{i}"] = $"127.0.0.1:{backends[i].Port}";
        }

        var app = GatewayApp.Build(GatewayApp.CreateBuilder([], c => c.AddInMemoryCollection(settings)));
        await app.StartAsync();
        return (app, new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()));
    }

    private static Process StartRedis(out int port)
    {
        port = FreePort();
        var start = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--bind", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return process;
            }
            catch (SocketException)
            {
                Thread.Sleep(20);
            }
        }

        process.Kill();
        throw new InvalidOperationException($"redis-server on port {port} did not start listening within 20 s.");
    }

    private static double P(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static readonly HashSet<int> HandedOut = [];

    /// <summary>A free loopback port, never the same twice (the OS may reissue a released port at once).</summary>
    private static int FreePort()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (HandedOut.Add(port))
            {
                return port;
            }
        }
    }
}
