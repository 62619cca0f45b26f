using System.Diagnostics;

namespace TradingAgents.Actors.GatewayLoad;

/// <summary>A closed-loop load generator: a fixed number of workers, each sending one request after another, bounded in count and time.</summary>
internal sealed class LoadRunner(int concurrency, int requests, TimeSpan maxDuration) : IDisposable
{
    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        MaxConnectionsPerServer = concurrency,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    public async Task<LoadResult> RunAsync(string target, Uri url)
    {
        var latencies = new long[requests];
        var next = -1;
        var failures = 0;
        using var deadline = new CancellationTokenSource(maxDuration);
        var started = Stopwatch.GetTimestamp();

        async Task WorkerAsync()
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < requests && !deadline.IsCancellationRequested)
            {
                var begin = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await _client.GetAsync(url, HttpCompletionOption.ResponseContentRead, deadline.Token).ConfigureAwait(false);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
                {
                    Interlocked.Increment(ref failures);
                }

                latencies[index] = Stopwatch.GetTimestamp() - begin;
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(WorkerAsync))).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var done = Math.Min(requests, next);
        var sorted = latencies.AsSpan(0, done).ToArray();
        Array.Sort(sorted);
        return new LoadResult(target, done, failures, elapsed, Percentile(sorted, 0.50), Percentile(sorted, 0.90), Percentile(sorted, 0.99));
    }

    public void Dispose() => _client.Dispose();

    private static double Percentile(long[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)] * 1000.0 / Stopwatch.Frequency;
}
