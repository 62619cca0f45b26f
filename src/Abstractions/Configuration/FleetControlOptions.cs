namespace TradingAgents.Actors.Configuration;

/// <summary>
/// The fleet-wide controls of one service, as set under <c>load_balancing:</c> (the defaults) and overridden
/// per service under <c>services.&lt;name&gt;:</c>. The service and instance grains apply them for every
/// gateway at once; docs/gateway.md has one section per control.
/// </summary>
public sealed class FleetControlOptions
{
    /// <summary>Default <c>max_ejection_percent</c>.</summary>
    public const int DefaultMaxEjectionPercent = 50;

    /// <summary>Default <c>panic_threshold</c> (Envoy's <c>healthy_panic_threshold</c>).</summary>
    public const int DefaultPanicThreshold = 50;

    /// <summary>Default <c>slow_start_min_weight_percent</c> (Envoy's <c>min_weight_percent</c>).</summary>
    public const int DefaultSlowStartMinWeightPercent = 10;

    /// <summary>
    /// <c>max_ejection_percent</c> (0-100): at most this share of a service's usable (ready or draining) instances (rounded down) is
    /// kept out of traffic by circuit breakers and health checks; the least bad of any further ones stay
    /// routable. 100 turns the cap off. Default 50.
    /// </summary>
    public int? MaxEjectionPercent { get; set; }

    /// <summary>
    /// <c>panic_threshold</c> (0-100): when fewer than this share of a service's usable (ready or draining) instances are healthy
    /// (circuit closed and health not failing), the service is in panic and <see cref="PanicMode"/> applies.
    /// 0 turns panic off. Default 50.
    /// </summary>
    public int? PanicThreshold { get; set; }

    /// <summary><c>panic_mode</c>: <c>route_all</c> (default) or <c>fail_fast</c>, see <see cref="PanicModes"/>.</summary>
    public string? PanicMode { get; set; }

    /// <summary>
    /// <c>slow_start</c> (seconds, 0 = off): a new instance, or one whose circuit just closed again, takes a
    /// share of traffic that ramps up over this window, the same in every gateway. Default 0 (off, as in Envoy).
    /// </summary>
    public TimeSpan? SlowStart { get; set; }

    /// <summary>
    /// <c>slow_start_aggression</c> (&gt; 0): the ramp is <c>(elapsed / window)^(1 / aggression)</c>; 1 is linear,
    /// above 1 ramps faster at first. Default 1.
    /// </summary>
    public double? SlowStartAggression { get; set; }

    /// <summary><c>slow_start_min_weight_percent</c> (1-100): the ramp never gives less than this share of the full weight. Default 10.</summary>
    public int? SlowStartMinWeightPercent { get; set; }

    /// <summary>These settings with every unset one taken from <paramref name="defaults"/>.</summary>
    public FleetControlOptions Over(FleetControlOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        return new FleetControlOptions
        {
            MaxEjectionPercent = MaxEjectionPercent ?? defaults.MaxEjectionPercent,
            PanicThreshold = PanicThreshold ?? defaults.PanicThreshold,
            PanicMode = PanicMode ?? defaults.PanicMode,
            SlowStart = SlowStart ?? defaults.SlowStart,
            SlowStartAggression = SlowStartAggression ?? defaults.SlowStartAggression,
            SlowStartMinWeightPercent = SlowStartMinWeightPercent ?? defaults.SlowStartMinWeightPercent,
        };
    }
}
