using System.Diagnostics;
using System.Text.RegularExpressions;

namespace TradingAgents.Actors.Tests.Infrastructure;

/// <summary>The gateway's real executable (the build output copied beside the tests), run to its exit.</summary>
internal static partial class GatewayProcess
{
    /// <summary>A line of a .NET stack trace: "   at Namespace.Type.Method(...)".</summary>
    public static bool HasStackTrace(string text) => StackFrame().IsMatch(text) || text.Contains("Unhandled exception", StringComparison.Ordinal);

    /// <summary>
    /// Starts the gateway, returns the standard output lines up to the first that contains
    /// <paramref name="until"/> (at most 90 s), then kills the process.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ReadOutputUntilAsync(string workingDirectory, string until, params string[] args)
    {
        using var process = Process.Start(StartInfo(workingDirectory, args)) ?? throw new InvalidOperationException("dotnet did not start.");
        var lines = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                lines.Add(line);
                if (line.Contains(until, StringComparison.Ordinal))
                {
                    return lines;
                }
            }

            throw new InvalidOperationException($"The gateway ended its output before '{until}': {string.Join(Environment.NewLine, lines)}{await process.StandardError.ReadToEndAsync()}");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    /// <summary>Runs the gateway with <paramref name="args"/> in <paramref name="workingDirectory"/> and waits (at most 90 s) for it to exit.</summary>
    public static Task<(int ExitCode, string StandardOutput, string StandardError)> RunAsync(string workingDirectory, params string[] args) =>
        RunToExitAsync(StartInfo(workingDirectory, args), "The gateway");

    /// <summary>Starts <paramref name="start"/> (output redirected) and waits at most 90 s for it to exit; kills it and throws after that.</summary>
    public static async Task<(int ExitCode, string StandardOutput, string StandardError)> RunToExitAsync(ProcessStartInfo start, string what)
    {
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{what} did not exit within 90 s. Output so far: {await output}{await error}");
        }

        return (process.ExitCode, await output, await error);
    }

    internal static ProcessStartInfo StartInfo(string workingDirectory, string[] args)
    {
        var gateway = Path.Combine(AppContext.BaseDirectory, "TradingAgents.Actors.Silo.dll");
        Assert.True(File.Exists(gateway), $"{gateway} is missing: the test project must reference src/Silo.");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(gateway);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The silo's ports must not collide with a gateway that may run on this machine.
        if (!args.Any(a => a.StartsWith("--Cluster:SiloPort=", StringComparison.Ordinal)))
        {
            start.ArgumentList.Add($"--Cluster:SiloPort={FreePort.Next()}");
        }

        if (!args.Any(a => a.StartsWith("--Cluster:GatewayPort=", StringComparison.Ordinal)))
        {
            start.ArgumentList.Add($"--Cluster:GatewayPort={FreePort.Next()}");
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("SERVICE_DISCOVERY_CONFIG");

        return start;
    }

    [GeneratedRegex(@"^\s+at \S+", RegexOptions.Multiline)]
    private static partial Regex StackFrame();
}
