using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using TradingAgents.Actors.Tests.Infrastructure;

namespace TradingAgents.Actors.Tests.Hosting;

/// <summary>SIGTERM, as Kubernetes sends it: the gateway drains, stops, says so last, and exits 0.</summary>
public sealed class GracefulStopTests
{
    [Fact]
    public async Task Sigterm_GatewayDrainsStopsAndSaysSoLast()
    {
        await using var gateway = await GatewayProcessHost.StartAsync(
        [
            new("Logging:LogLevel:TradingAgents.Actors.Silo.Gateway", "Information"),
            new("Logging:LogLevel:TradingAgents.Actors.Gateway", "Information"),
        ]);

        using (var term = Process.Start("kill", ["-TERM", gateway.ProcessId.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        var exitCode = await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60));

        var output = gateway.Output;
        Assert.True(exitCode == 0, output);
        Assert.False(GatewayProcess.HasStackTrace(output), output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.StartsWith("Drained: no proxied request in flight", StringComparison.Ordinal));
        Assert.Matches(@"^Stopped: the gateway shut down cleanly in \d+\.\d s$", lines[^1]);
    }

    [Fact]
    public async Task Sigterm_WhileRequestsTimeOut_EveryTimeoutIsLoggedOrCountedAndStoppedIsLast()
    {
        const int Requests = 6;
        await using var hung = await SwitchableBackend.StartAsync("hung");
        hung.HangApi = true;
        await using var gateway = await GatewayProcessHost.StartAsync(
        [
            .. GatewayTestHost.Endpoints("data-service", hung.Address),
            new("service_discovery:services:data-service:timeout", "2"),
            new("service_discovery:max_retries", "0"),
            new("Logging:LogLevel:TradingAgents.Actors.Gateway", "Information"),
        ]);
        var calls = Enumerable.Range(0, Requests).Select(_ => gateway.Client.GetAsync(new Uri("/data-service/api/v1/quote", UriKind.Relative))).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (hung.ApiRequests < Requests && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(Requests, hung.ApiRequests);
        using (var term = Process.Start("kill", ["-TERM", gateway.ProcessId.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        // The drain waits for them: each ends with the gateway's 504 at its 2 s deadline.
        foreach (var call in calls)
        {
            using var response = await call;
            Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        }

        var exitCode = await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60));
        var output = gateway.Output;
        Assert.True(exitCode == 0, output);
        Assert.False(GatewayProcess.HasStackTrace(output), output);

        // One line for the first 504, and the others counted before the process ends (their timer would
        // fire 10 s after the first line, long after the exit).
        var logged = Regex.Matches(output, "Answered 504 for data-service: deadline").Count;
        var counted = Regex.Matches(output, @"Answered 504 for data-service: (\d+) more 504s").Sum(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.True(logged + counted == Requests, output);

        // Six failures that end together cross the failure threshold (5) once: one line, not one per racing completion.
        Assert.True(Regex.Matches(output, @"ServiceRouter\[3001\]").Count == 1, output);

        // Nothing after the last line: no router reporting the departing silo as an unreachable control plane.
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Matches(@"^Stopped: the gateway shut down cleanly in \d+\.\d s$", lines[^1]);
        Assert.DoesNotContain("control plane is unreachable", output, StringComparison.Ordinal);
    }
}
