using TradingAgents.Actors.Discovery;

namespace TradingAgents.Actors.Routing;

/// <summary>
/// One instance in one routing table: the fleet's view from the snapshot (immutable) and this process's
/// load (shared across tables). What the load-balancing policies read.
/// </summary>
public sealed class RouteEndpoint
{
    private static int _nextPort = 10_000;

    private readonly TimeProvider? _clock;

    // The slow-start factor as last computed (RefreshWeightFactor): a plain read on the pick path, no clock.
    private double _weightFactor = 1.0;

    internal RouteEndpoint(RoutingInstance instance, EndpointLoad load, double latencySeconds, int weight, TimeProvider? clock = null)
    {
        _clock = instance.SlowStart is null ? null : clock ?? TimeProvider.System;
        Instance = instance;
        RefreshWeightFactor();
        Load = load;
        LatencySeconds = latencySeconds;
        Weight = weight;
        DestinationPrefix = $"http://{instance.InstanceId}/";
    }

    /// <summary>The instance as its service grain published it.</summary>
    public RoutingInstance Instance { get; }

    /// <summary><c>host:port</c>.</summary>
    public string InstanceId => Instance.InstanceId;

    /// <summary><c>http://host:port/</c>, formatted once per table.</summary>
    public string DestinationPrefix { get; }

    /// <summary>Calls from this process in flight to the instance.</summary>
    public int InFlight => Load.InFlight;

    /// <summary>
    /// Latency the score uses, in seconds: the fleet EWMA, or for an instance not yet measured the
    /// slowest measured latency of its table, so an unmeasured instance is never preferred over measured ones.
    /// </summary>
    public double LatencySeconds { get; }

    /// <summary>Failures since the last success or passing probe (fleet-wide).</summary>
    public int ConsecutiveFailures => Instance.ConsecutiveFailures;

    /// <summary>Relative weight, at least 1.</summary>
    public int Weight { get; }

    /// <summary>
    /// The slow-start factor, in (0, 1]: 1 unless the instance is ramping up (<see cref="RoutingInstance.SlowStart"/>).
    /// Computed from this process's clock against the ramp start its instance grain chose, so every router agrees,
    /// and refreshed by the routing table (<see cref="RouteTable.RefreshRamps"/>) every few milliseconds rather than
    /// on every read: policies read it for many candidates per pick. Policies multiply their weight by it.
    /// </summary>
    public double WeightFactor => Volatile.Read(ref _weightFactor);

    /// <summary>True while the instance is ramping up (its factor may still change).</summary>
    internal bool IsRamping => _clock is not null;

    /// <summary>Recomputes <see cref="WeightFactor"/> from the clock.</summary>
    internal void RefreshWeightFactor()
    {
        if (_clock is not null && Instance.SlowStart is { } ramp)
        {
            Volatile.Write(ref _weightFactor, ramp.Factor(_clock.GetUtcNow()));
        }
    }

    /// <summary><see cref="Weight"/> × <see cref="WeightFactor"/>.</summary>
    public double EffectiveWeight => Weight * WeightFactor;

    internal EndpointLoad Load { get; }

    /// <summary>A stand-alone endpoint with the given load figures, for tests and benchmarks of the policies.</summary>
    internal static RouteEndpoint ForPolicy(int inFlight, double latencySeconds, int consecutiveFailures, int weight, string? instanceId = null,
        SlowStartRamp? ramp = null, TimeProvider? clock = null)
    {
        var id = instanceId ?? $"127.0.0.1:{Interlocked.Increment(ref _nextPort)}";
        var instance = new RoutingInstance(id, "127.0.0.1", 0, null, null, null, weight, InstanceAvailability.Selectable, null,
            CircuitState.Closed, HealthState.Healthy, latencySeconds * 1000, consecutiveFailures, 0, null, Measured: true) { SlowStart = ramp };
        var load = new EndpointLoad();
        for (var i = 0; i < inFlight; i++)
        {
            load.Started();
        }

        return new RouteEndpoint(instance, load, latencySeconds, Math.Max(1, weight), clock);
    }

    /// <inheritdoc />
    public override string ToString() => InstanceId;
}
