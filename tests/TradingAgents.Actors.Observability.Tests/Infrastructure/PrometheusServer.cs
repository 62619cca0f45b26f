using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace TradingAgents.Actors.Tests.Infrastructure;

/// <summary>
/// A real Prometheus (the Debian package's binary) on 127.0.0.1, scraping one target every second
/// with <c>honor_labels</c> as the ServiceMonitor sets it, storing into a temporary directory.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly HttpClient _http;

    private PrometheusServer(Process process, string directory, Uri address)
    {
        _process = process;
        _directory = directory;
        _http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>The Prometheus binary: <c>PROMETHEUS</c> if set, else the first <c>prometheus</c> on PATH.</summary>
    public static string? FindBinary()
    {
        var configured = Environment.GetEnvironmentVariable("PROMETHEUS");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured) ? configured : null;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "prometheus"))
            .FirstOrDefault(File.Exists);
    }

    public static async Task<PrometheusServer> StartAsync(string target)
    {
        var binary = FindBinary() ?? throw new InvalidOperationException(
            "prometheus was not found on PATH: install the Debian package (sudo apt-get install -y prometheus), as .ci/run does, or set PROMETHEUS to the binary.");
        var directory = Directory.CreateTempSubdirectory("ta-prometheus-").FullName;
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: gateway
                honor_labels: true
                scrape_interval: 1s
                scrape_timeout: 1s
                static_configs:
                  - targets: ['{target}']
            """);
        var port = FreePort.Next();
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add($"--config.file={config}");
        start.ArgumentList.Add($"--storage.tsdb.path={Path.Combine(directory, "data")}");
        start.ArgumentList.Add($"--web.listen-address=127.0.0.1:{port}");
        start.ArgumentList.Add("--log.level=warn");
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {binary}.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrometheusServer(process, directory, new Uri($"http://127.0.0.1:{port}/"));
        await server.WaitReadyAsync();
        return server;
    }

    /// <summary>The series of an instant query, each as its labels and value.</summary>
    public async Task<IReadOnlyList<(Dictionary<string, string> Labels, double Value)>> QueryAsync(string promql)
    {
        using var response = await _http.GetAsync($"api/v1/query?query={Uri.EscapeDataString(promql)}");
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var result = new List<(Dictionary<string, string>, double)>();
        foreach (var series in body.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var labels = series.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
            var value = double.Parse(series.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
            result.Add((labels, value));
        }

        return result;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private Task WaitReadyAsync() =>
        Eventually.MatchAsync(
            async () =>
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"prometheus exited at start with code {_process.ExitCode}.");
                }

                try
                {
                    using var response = await _http.GetAsync("-/ready");
                    return response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                    return false;
                }
            },
            ready => ready,
            "prometheus to report ready",
            TimeSpan.FromSeconds(30));
}
