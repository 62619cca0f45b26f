using TradingAgents.Actors.Configuration;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Silo.Hosting;

/// <summary>
/// <c>--demo</c>: starts three stand-in instances of each service on their standard ports, points the
/// gateway at <c>samples/config/config.local.yaml</c>, and prints URLs to try. Needs nothing else.
/// </summary>
internal static partial class DemoMode
{
    public const string Switch = "--demo";

    public const string ConfigRelativePath = "samples/config/config.local.yaml";

    public static async Task<int> RunAsync(string[] args)
    {
        var rest = args.Where(a => !string.Equals(a, Switch, StringComparison.Ordinal)).ToList();
        var config = FindUpwards(ConfigRelativePath, Directory.GetCurrentDirectory())
            ?? FindUpwards(ConfigRelativePath, AppContext.BaseDirectory);
        if (config is null)
        {
            await Console.Error.WriteLineAsync(
                $"--demo needs {ConfigRelativePath}; it was not found above {Directory.GetCurrentDirectory()} or {AppContext.BaseDirectory}. Run from the repository root.").ConfigureAwait(false);
            return StartupFailure.ExitCode;
        }

        if (NamedConfig(rest) is { } named)
        {
            config = Path.GetFullPath(named);
        }
        else
        {
            rest.Add("--config");
            rest.Add(config);
        }

        DemoBackendFleet fleet;
        try
        {
            fleet = await DemoBackendFleet.StartAsync(new DemoBackendFleetOptions { PortSelector = DemoBackendFleet.StandardPort }).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            await Console.Error.WriteLineAsync(
                $"Start-up failed: {ex.Message} Is another --demo running? Stop it with Ctrl+C.").ConfigureAwait(false);
            return StartupFailure.ExitCode;
        }

        await using var stopFleet = fleet.ConfigureAwait(false);
        WebApplication app;
        try
        {
            app = GatewayApp.Build(GatewayApp.CreateBuilder([.. rest]));
        }
        catch (Exception ex)
        {
            return await StartupFailure.ReportAsync(ex).ConfigureAwait(false);
        }

        await using var stopApp = app.ConfigureAwait(false);
        if (await GatewayApp.TryStartAsync(app).ConfigureAwait(false) is { } failed)
        {
            return failed;
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("TradingAgents.Demo");
        var gateway = app.Urls.FirstOrDefault()?.TrimEnd('/') ?? GatewayApp.DefaultUrl;
        LogStarted(logger, fleet.Backends.Count, config);
        foreach (var line in TryLines(gateway, fleet))
        {
            LogTry(logger, line);
        }

        var took = await GatewayApp.WaitForShutdownAsync(app).ConfigureAwait(false);

        // Ctrl+C or SIGTERM: the gateway has drained, so the stand-ins stop gracefully too (disposing
        // them would kill them and say so, which is for tests that break them on purpose).
        using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await fleet.StopAsync(stopTimeout.Token).ConfigureAwait(false);
        GatewayApp.ReportStopped(app, took);
        return 0;
    }

    internal static IEnumerable<string> TryLines(string gateway, DemoBackendFleet fleet)
    {
        // data-service-2 (8013): the instance the README's walk-through breaks.
        var data = fleet[DemoServiceKind.DataService][1];
        yield return $"curl -i '{gateway}/data-service/api/v1/data/stock?symbol=AAPL&period=1d'";
        yield return $"curl -i -X POST {gateway}/analysis-engine/api/v1/analysis/submit -H 'Content-Type: application/json' -d '{{\"stock_code\":\"AAPL\",\"analysis_type\":\"comprehensive\",\"priority\":\"normal\"}}'";
        yield return $"curl -i -X POST {gateway}/memory-service/api/v1/memory/search -H 'Content-Type: application/json' -d '{{\"collection_name\":\"market_memories\",\"query\":\"AAPL earnings\",\"n_results\":3}}'";
        yield return $"curl -s {gateway}/api/discovery/services";
        yield return $"curl -s {gateway}/api/discovery/services/data-service";
        yield return $"curl -s -X POST {gateway}/api/discovery/services/data-service/select";
        yield return $"curl -s -X PUT {data.BaseAddress}admin/faults -H 'Content-Type: application/json' -d '{{\"error_rate\":1.0}}'   # make {data.InstanceName} fail";
        yield return $"curl -s -X DELETE {data.BaseAddress}admin/faults   # repair it";
        yield return $"open {gateway}/dashboard";
    }

    /// <summary>
    /// The configuration file named on the command line (<c>--config FILE</c>, <c>--config=FILE</c> or
    /// <c>--ServiceDiscovery:ConfigFile</c>, the last one winning as with the command-line provider), else null.
    /// </summary>
    internal static string? NamedConfig(IReadOnlyList<string> args)
    {
        string? named = null;
        for (var i = 0; i < args.Count; i++)
        {
            foreach (var key in (string[])["--config", "--" + ServiceDiscoveryConfigurationExtensions.ConfigFileKey])
            {
                if (string.Equals(args[i], key, StringComparison.OrdinalIgnoreCase) && i + 1 < args.Count)
                {
                    named = args[i + 1];
                }
                else if (args[i].StartsWith(key + "=", StringComparison.OrdinalIgnoreCase))
                {
                    named = args[i][(key.Length + 1)..];
                }
            }
        }

        return string.IsNullOrWhiteSpace(named) ? null : named;
    }

    private static string? FindUpwards(string relativePath, string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, relativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    [LoggerMessage(EventId = 2300, Level = LogLevel.Information, Message = "Demo: {Count} stand-in backends on 127.0.0.1, configuration {Config}. Try:")]
    private static partial void LogStarted(ILogger logger, int count, string config);

    [LoggerMessage(EventId = 2301, Level = LogLevel.Information, Message = "  {Line}")]
    private static partial void LogTry(ILogger logger, string line);
}
