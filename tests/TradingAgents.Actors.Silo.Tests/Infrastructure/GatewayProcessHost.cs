using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace TradingAgents.Actors.Tests.Infrastructure;

/// <summary>
/// The gateway's real executable running in its own OS process (so that a test can SIGKILL it, as a
/// node or a pod dies), listening on a free loopback port. Its output is kept for failure messages.
/// </summary>
internal sealed class GatewayProcessHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private GatewayProcessHost(Process process, Uri address, int siloPort)
    {
        _process = process;
        Address = address;
        SiloPort = siloPort;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public int ProcessId => _process.Id;

    /// <summary>The silo-to-silo port: with 127.0.0.1, it names this gateway's silo in the cluster.</summary>
    public int SiloPort { get; }

    /// <summary>What the process wrote so far (standard output and error).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts the gateway with <paramref name="settings"/> as command-line keys and waits (at most 60 s)
    /// until its <c>/ready</c> answers 200.
    /// </summary>
    public static async Task<GatewayProcessHost> StartAsync(IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var port = FreePort.Next();
        var siloPort = FreePort.Next();
        var args = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"--Cluster:SiloPort={siloPort}"),
            "--urls", string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"),
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Yarp=Error",
            "--Gateway:RetryBaseDelayMilliseconds=1",
            "--Gateway:RetryMaxDelayMilliseconds=5",
            "--service_discovery:load_balancing:health_check:interval=60",
        };
        args.AddRange(settings.Select(s => $"--{s.Key}={s.Value}"));
        var process = Process.Start(GatewayProcess.StartInfo(AppContext.BaseDirectory, [.. args]))
            ?? throw new InvalidOperationException("dotnet did not start.");
        var host = new GatewayProcessHost(process, new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}")), siloPort);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                await host.DisposeAsync();
                throw new InvalidOperationException($"The gateway process exited with {process.ExitCode} before it was ready: {host.Output}");
            }

            try
            {
                using var ready = await host.Client.GetAsync(new Uri("/ready", UriKind.Relative));
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return host;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                await host.DisposeAsync();
                throw new TimeoutException($"The gateway process was not ready within 60 s: {host.Output}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>SIGKILL: the process ends at once, without shutdown, as when its node dies.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>Waits at most <paramref name="timeout"/> for the process to end by itself, then returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The gateway process did not exit within {timeout.TotalSeconds} s: {Output}");
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await KillAsync();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
