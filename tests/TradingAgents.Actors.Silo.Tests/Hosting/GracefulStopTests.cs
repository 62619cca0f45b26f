using System.Diagnostics;
using System.Globalization;
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
}
