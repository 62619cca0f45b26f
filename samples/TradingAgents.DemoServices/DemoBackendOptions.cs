using Microsoft.Extensions.Logging;

namespace TradingAgents.DemoServices;

/// <summary>How to start one <see cref="DemoBackend"/>.</summary>
public sealed class DemoBackendOptions
{
    /// <summary>The service this instance stands in for. Default <see cref="DemoServiceKind.AnalysisEngine"/>.</summary>
    public DemoServiceKind Service { get; init; }

    /// <summary>
    /// The name the instance reports in <c>X-Instance</c> and <c>/health</c>. Default: the service name
    /// followed by <c>-1</c>, for example <c>data-service-1</c>.
    /// </summary>
    public string? InstanceName { get; init; }

    /// <summary>
    /// The IP address to bind, default <c>127.0.0.1</c>; <c>localhost</c> means 127.0.0.1. Wildcards
    /// (<c>0.0.0.0</c>, <c>::</c>) are refused: a stand-in must never be reachable from outside the machine.
    /// </summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The TCP port, 0 (the default) for an ephemeral one; read the bound port from <see cref="DemoBackend.Port"/>.</summary>
    public int Port { get; init; }

    /// <summary>The clock for added latency and timestamps. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>
    /// Seed of the <see cref="Random"/> that decides which requests an error rate fails. Default: a stable
    /// hash of the instance name, so a run is repeatable.
    /// </summary>
    public int? RandomSeed { get; init; }

    /// <summary>The minimum console log level. Default <see cref="LogLevel.Warning"/>.</summary>
    public LogLevel MinimumLogLevel { get; init; } = LogLevel.Warning;
}
