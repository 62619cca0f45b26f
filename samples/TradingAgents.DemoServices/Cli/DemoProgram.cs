using System.Runtime.InteropServices;

namespace TradingAgents.DemoServices.Cli;

/// <summary>
/// The standalone entry point. An explicit class rather than top-level statements, so that the gateway,
/// which references this project, keeps the only global <c>Program</c> type.
/// </summary>
internal static class DemoProgram
{
    public const int BadArguments = 2;
    public const int StartFailed = 1;

    public static async Task<int> Main(string[] args)
    {
        if (!DemoCommandLine.TryParse(args, out var commandLine, out var error))
        {
            await Console.Error.WriteLineAsync($"error: {error}").ConfigureAwait(false);
            await Console.Error.WriteLineAsync(DemoCommandLine.Usage).ConfigureAwait(false);
            return BadArguments;
        }

        if (commandLine!.Help)
        {
            Console.WriteLine(DemoCommandLine.Usage);
            return 0;
        }

        using var shutdown = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            shutdown.Cancel();
        };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            shutdown.Cancel();
        });

        IReadOnlyList<DemoBackend> backends;
        Func<Task> stop;
        try
        {
            if (commandLine.All)
            {
                var fleet = await DemoBackendFleet.StartAsync(
                    new DemoBackendFleetOptions { Host = commandLine.Host, PortSelector = DemoBackendFleet.StandardPort },
                    shutdown.Token).ConfigureAwait(false);
                (backends, stop) = (fleet.Backends, () => fleet.StopAsync());
            }
            else
            {
                var backend = await DemoBackend.StartAsync(
                    new DemoBackendOptions
                    {
                        Service = commandLine.Service,
                        InstanceName = commandLine.InstanceName,
                        Host = commandLine.Host,
                        Port = commandLine.Port,
                    },
                    shutdown.Token).ConfigureAwait(false);
                (backends, stop) = ([backend], () => backend.StopAsync());
            }
        }
        catch (InvalidOperationException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return StartFailed;
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            return 0;
        }

        foreach (var backend in backends)
        {
            Console.WriteLine($"{backend.ServiceName,-15} {backend.InstanceName,-18} {backend.BaseAddress}");
        }

        Console.WriteLine("Faults: curl -X PUT <address>admin/faults -H 'Content-Type: application/json' -d '{\"error_rate\":1}'. Ctrl+C stops.");
        try
        {
            await Task.Delay(Timeout.Infinite, shutdown.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C or SIGTERM: fall through to the graceful stop.
        }

        await stop().ConfigureAwait(false);
        return 0;
    }
}
