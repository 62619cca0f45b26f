using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TradingAgents.DemoServices.Api;
using TradingAgents.DemoServices.Hosting;

namespace TradingAgents.DemoServices;

/// <summary>
/// One running stand-in instance of a TradingAgents service: a Kestrel server on one address with the
/// service's API paths, <c>/health</c>, <c>/ready</c> and <c>/admin/faults</c>, naming itself in the
/// <c>X-Instance</c> and <c>X-Service</c> response headers. Disposing it kills it (see <see cref="KillAsync"/>).
/// </summary>
public sealed class DemoBackend : IAsyncDisposable
{
    /// <summary>The timestamp that starts every console line: UTC, ISO 8601 with milliseconds, as the gateway writes it.</summary>
    public const string ConsoleTimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";

    /// <summary>The response header that carries <see cref="InstanceName"/>.</summary>
    public const string InstanceHeader = FaultInjection.InstanceHeader;

    /// <summary>The response header that carries <see cref="ServiceName"/>.</summary>
    public const string ServiceHeader = FaultInjection.ServiceHeader;

    private readonly WebApplication _app;
    private readonly RequestCounters _counters;
    private readonly ConnectionTracker _connections;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private Task? _stopping;

    private DemoBackend(
        WebApplication app, DemoServiceKind service, string instanceName, Uri baseAddress, DemoFaults faults,
        RequestCounters counters, ConnectionTracker connections, ILogger logger)
    {
        _app = app;
        Service = service;
        InstanceName = instanceName;
        BaseAddress = baseAddress;
        Faults = faults;
        _counters = counters;
        _connections = connections;
        _logger = logger;
    }

    /// <summary>The service this instance stands in for.</summary>
    public DemoServiceKind Service { get; }

    /// <summary>The logical service name, for example <c>data-service</c>.</summary>
    public string ServiceName => DemoServiceNames.Of(Service);

    /// <summary>The instance name reported in <c>X-Instance</c>.</summary>
    public string InstanceName { get; }

    /// <summary>The root address, for example <c>http://127.0.0.1:8003/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The bound host, for example <c>127.0.0.1</c>.</summary>
    public string Host => BaseAddress.Host;

    /// <summary>The bound port (the ephemeral one when started with port 0).</summary>
    public int Port => BaseAddress.Port;

    /// <summary>The live fault switches.</summary>
    public DemoFaults Faults { get; }

    /// <summary>API requests received (not health probes, not admin calls), including failed and abandoned ones.</summary>
    public long TotalRequests => _counters.Total;

    /// <summary>API requests being processed now, including those held by latency or a hang.</summary>
    public int InFlightRequests => _counters.InFlight;

    /// <summary>The highest <see cref="InFlightRequests"/> seen since start or <see cref="ResetCounters"/>.</summary>
    public int MaxInFlightRequests => _counters.MaxInFlight;

    /// <summary>Requests to <c>/health</c> and <c>/ready</c>.</summary>
    public long HealthProbes => _counters.HealthProbes;

    /// <summary>True until <see cref="StopAsync"/>, <see cref="KillAsync"/> or disposal begins.</summary>
    public bool IsRunning
    {
        get
        {
            lock (_gate)
            {
                return _stopping is null;
            }
        }
    }

    /// <summary>Starts an instance and returns once it accepts connections.</summary>
    /// <exception cref="ArgumentException">A bad host, port or instance name; the message names it.</exception>
    /// <exception cref="InvalidOperationException">The address could not be bound (for example the port is in use).</exception>
    public static async Task<DemoBackend> StartAsync(DemoBackendOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var serviceName = DemoServiceNames.Of(options.Service);
        if (!HostAddress.TryParse(options.Host, out var address, out var hostError))
        {
            throw new ArgumentException(hostError, nameof(options));
        }

        if (options.Port is < 0 or > 65535)
        {
            throw new ArgumentException($"Port {options.Port} is out of range; use 0 (ephemeral) to 65535.", nameof(options));
        }

        var instanceName = options.InstanceName ?? $"{serviceName}-1";
        if (instanceName.Length is 0 or > 128 || !instanceName.All(c => c is > ' ' and <= '~'))
        {
            // It travels in a response header, so it must be visible ASCII.
            throw new ArgumentException($"InstanceName '{instanceName}' must be 1 to 128 visible ASCII characters without spaces.", nameof(options));
        }

        var timeProvider = options.TimeProvider ?? TimeProvider.System;
        var faults = new DemoFaults(new Random(options.RandomSeed ?? StableHash.Of(instanceName)));
        var counters = new RequestCounters();
        var connections = new ConnectionTracker();

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(DemoBackend).Assembly.GetName().Name,
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });

        // The hosting process's configuration (ASPNETCORE_URLS, a Kestrel section in its appsettings.json)
        // must neither move nor multiply this backend's single endpoint.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders()
            .AddSimpleConsole(console =>
            {
                // The gateway's format (a timestamped header line, the message indented below), so that
                // --demo's interleaved lines read as one log.
                console.TimestampFormat = ConsoleTimestampFormat;
                console.UseUtcTimestamp = true;
            })
            .SetMinimumLevel(options.MinimumLogLevel)

            // A failed start is thrown to the caller with the address in its message; the host's own
            // "Hosting failed to start" would repeat it with a stack trace, once per instance.
            .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(address, options.Port, listen => listen.Use(connections.Track));
        });
        builder.Services.ConfigureHttpJsonOptions(json => DemoJson.Configure(json.SerializerOptions));
        builder.Services
            .AddSingleton(timeProvider)
            .AddSingleton(faults)
            .AddSingleton(counters)
            .AddSingleton(new InstanceIdentity(serviceName, instanceName));

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILogger<DemoBackend>>();
        app.Use(new FaultInjection(serviceName, instanceName, faults, counters, timeProvider, logger).InvokeAsync);
        DemoApi.Map(app, options.Service);

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException(
                $"{serviceName} instance '{instanceName}' could not listen on {options.Host}:{options.Port}: {ex.Message}", ex);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        var baseAddress = new Uri(bound.EndsWith('/') ? bound : bound + "/");
        logger.Started(serviceName, instanceName, baseAddress);
        return new DemoBackend(app, options.Service, instanceName, baseAddress, faults, counters, connections, logger);
    }

    /// <summary>Completes as soon as at least <paramref name="count"/> API requests are in flight at once.</summary>
    /// <remarks>
    /// Lets a test wait for requests to arrive (for example at a hung instance) without sleeping. A request
    /// counts as in flight only once its added-latency timer is armed, so advancing a fake
    /// <see cref="DemoBackendOptions.TimeProvider"/> after this completes releases it.
    /// </remarks>
    public Task WhenInFlightAtLeastAsync(int count, CancellationToken cancellationToken = default) =>
        _counters.WhenInFlightAtLeastAsync(count, cancellationToken);

    /// <summary>Zeroes the totals and the health probe count; the maximum restarts from the current in-flight count.</summary>
    public void ResetCounters() => _counters.Reset();

    /// <summary>
    /// Stops gracefully: closes the listener, lets in-flight requests finish, then shuts down. Cancelling
    /// <paramref name="cancellationToken"/> aborts the connections still open. Hung requests keep the drain
    /// waiting, so clear <see cref="DemoFaults.Hang"/> first or pass a token.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => BeginStop(cancellationToken);

    /// <summary>
    /// Dies like a killed pod: the listener closes (new connections are refused) and every open
    /// connection is aborted mid-request. Returns once both have happened.
    /// </summary>
    public async Task KillAsync()
    {
        using var now = new CancellationTokenSource();
        await now.CancelAsync().ConfigureAwait(false);
        var stopping = BeginStop(now.Token);
        var aborted = _connections.AbortAll();
        _logger.Killed(ServiceName, InstanceName, aborted);
        await stopping.ConfigureAwait(false);
    }

    /// <summary>Blocking form of <see cref="KillAsync"/>.</summary>
    public void Kill() => Task.Run(KillAsync).GetAwaiter().GetResult();

    /// <summary>Kills the instance unless it was already stopped.</summary>
    public async ValueTask DisposeAsync()
    {
        Task? stopping;
        lock (_gate)
        {
            stopping = _stopping;
        }

        await (stopping ?? KillAsync()).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{ServiceName}/{InstanceName} at {BaseAddress}";

    private Task BeginStop(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _stopping ??= StopAndDisposeAsync(cancellationToken);
        }
    }

    private async Task StopAndDisposeAsync(CancellationToken cancellationToken)
    {
        // Leave the lock in BeginStop before doing any work.
        await Task.Yield();
        try
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // A cancelled drain is the abort the caller asked for.
        }
        finally
        {
            _logger.Stopped(ServiceName, InstanceName);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }
}
