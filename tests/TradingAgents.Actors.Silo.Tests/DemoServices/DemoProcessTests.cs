using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using TradingAgents.Actors.Tests.Infrastructure;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.DemoServices;

/// <summary>The stand-in services' own executable: its log lines look like the gateway's, and SIGTERM stops it quietly.</summary>
public sealed partial class DemoProcessTests
{
    [Fact]
    public async Task Executable_FaultLoggedThenSigterm_TimestampedLinesAndACleanStop()
    {
        var port = FreePort.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "TradingAgents.DemoServices.dll"), "--service", "data-service", "--port", port.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            var output = new StringBuilder();
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                output.AppendLine(line);
                if (line.StartsWith("Faults:", StringComparison.Ordinal))
                {
                    break;
                }
            }

            // A fault change is logged as a warning: a line of the backend's console logger.
            using var http = new HttpClient();
            using var set = await http.PutAsync(new Uri($"http://127.0.0.1:{port}/admin/faults"), new StringContent("""{"error_rate":1.0}""", Encoding.UTF8, "application/json"), timeout.Token);
            set.EnsureSuccessStatusCode();
            string? header = null;
            string? logged;
            while ((logged = await process.StandardOutput.ReadLineAsync(timeout.Token)) is not null && !logged.Contains("faults set", StringComparison.Ordinal))
            {
                header = logged;
            }

            // As the gateway writes it: a timestamped header line, then the message indented.
            Assert.NotNull(logged);
            Assert.NotNull(header);
            Assert.Matches(Timestamped(), header);
            Assert.Matches(@"^ +data-service instance data-service-1 faults set: ", logged);

            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync(timeout.Token);
            }

            output.Append(await process.StandardOutput.ReadToEndAsync(timeout.Token));
            await process.WaitForExitAsync(timeout.Token);

            Assert.Equal(0, process.ExitCode);
            Assert.DoesNotContain("killed", output.ToString(), StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("warn", output.ToString(), StringComparison.Ordinal);
            Assert.Equal(string.Empty, await error);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }
        }
    }

    [Fact]
    public void ConsoleTimestampFormat_IsTheGatewaysFormat() =>
        Assert.Matches(Timestamped(), DateTimeOffset.UtcNow.ToString(DemoBackend.ConsoleTimestampFormat, CultureInfo.InvariantCulture) + "info: x");

    // The gateway's console line start (see Hosting/ConsoleLogFormatTests).
    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (trce|dbug|info|warn|fail|crit): ")]
    private static partial Regex Timestamped();
}
