using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using TradingAgents.Actors.Tests.Infrastructure;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.Samples;

/// <summary>samples/TradingAgents.ClientSample, docs/client.md's external client, run against a real gateway.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ClientSampleTests
{
    [Fact]
    public async Task ClientSample_AgainstGateway_CallsBothServicesAndExits0()
    {
        await using var data = await Backends.StartAsync(DemoServiceKind.DataService, 2);
        await using var analysis = await Backends.StartAsync(DemoServiceKind.AnalysisEngine, 2);
        await using var gateway = await GatewayTestHost.StartAsync(new Dictionary<string, string?>(
            GatewayTestHost.Endpoints("data-service", data.Addresses).Concat(GatewayTestHost.Endpoints("analysis-engine", analysis.Addresses))));
        var cluster = gateway.App.Configuration.GetSection("Cluster");

        var (exitCode, output, error) = await RunAsync(
            $"--Cluster:ClusterId={cluster["ClusterId"]}",
            $"--Cluster:GatewayPort={cluster["GatewayPort"]}",
            $"--Cluster:ServiceId={cluster["ServiceId"] ?? "trading-agents"}");

        Assert.True(exitCode == 0, $"exit code {exitCode}{Environment.NewLine}{output}{error}");
        Assert.Contains("data-service: AAPL 5d, ", output, StringComparison.Ordinal);
        foreach (var code in new[] { "AAPL", "MSFT", "NVDA" })
        {
            Assert.Contains($"analysis-engine: {code} queued as ", output, StringComparison.Ordinal);
        }

        Assert.Equal(3, analysis.Instances.Sum(i => i.TotalRequests));
    }

    [Fact]
    public async Task ClientSample_NoGateway_SaysSoAndExits1()
    {
        var (exitCode, _, error) = await RunAsync($"--Cluster:GatewayPort={FreePort.Next()}", "--Cluster:ClusterId=nobody-here");

        Assert.Equal(1, exitCode);
        Assert.StartsWith("Could not join cluster 'nobody-here'", error, StringComparison.Ordinal);
        Assert.False(GatewayProcess.HasStackTrace(error), error);
    }

    private static async Task<(int ExitCode, string StandardOutput, string StandardError)> RunAsync(params string[] args)
    {
        // From the sample's own build output (the project reference built it): its runtimeconfig and
        // deps are its own, not the test project's, which runs on the ASP.NET Core framework.
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = tfm.Parent!.Name;
        var root = tfm.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var sample = Path.Combine(root, "samples", "TradingAgents.ClientSample", "bin", configuration, tfm.Name, "TradingAgents.ClientSample.dll");
        Assert.True(File.Exists(sample), $"{sample} is missing: the test project references the sample, so building the tests builds it.");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(sample);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return await GatewayProcess.RunToExitAsync(start, "The sample");
    }
}
