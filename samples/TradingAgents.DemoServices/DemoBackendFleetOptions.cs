using Microsoft.Extensions.Logging;

namespace TradingAgents.DemoServices;

/// <summary>How to start a <see cref="DemoBackendFleet"/>.</summary>
public sealed class DemoBackendFleetOptions
{
    /// <summary>Instances started for each service, 1 to 10. Default 3.</summary>
    public int InstancesPerService { get; init; } = 3;

    /// <summary>The services to start. Default all four.</summary>
    public IReadOnlyList<DemoServiceKind> Services { get; init; } = DemoServiceNames.Kinds;

    /// <summary>The address every instance binds. Default <c>127.0.0.1</c>.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>
    /// The port of instance <c>index</c> (from 0) of a service. Default 0 (ephemeral) for all;
    /// <see cref="DemoBackendFleet.StandardPort"/> gives 8005/8015/8025, 8003/8013/8023, ...
    /// </summary>
    public Func<DemoServiceKind, int, int> PortSelector { get; init; } = static (_, _) => 0;

    /// <summary>The name of instance <c>index</c> (from 0) of a service. Default <c>data-service-1</c>, <c>data-service-2</c>, ...</summary>
    public Func<DemoServiceKind, int, string> InstanceNameSelector { get; init; } =
        static (service, index) => $"{DemoServiceNames.Of(service)}-{index + 1}";

    /// <summary>The clock of every instance. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>The minimum console log level of every instance. Default <see cref="LogLevel.Warning"/>.</summary>
    public LogLevel MinimumLogLevel { get; init; } = LogLevel.Warning;
}
