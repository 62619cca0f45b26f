namespace TradingAgents.Actors.Configuration;

/// <summary>The fleet-wide controls in force for one service, every value resolved (see <see cref="FleetControlOptions"/>).</summary>
/// <param name="MaxEjectionPercent"><c>max_ejection_percent</c>.</param>
/// <param name="PanicThreshold"><c>panic_threshold</c>.</param>
/// <param name="FailFastOnPanic">True for <c>panic_mode: fail_fast</c>.</param>
/// <param name="SlowStart"><c>slow_start</c>; zero when off.</param>
/// <param name="SlowStartAggression"><c>slow_start_aggression</c>.</param>
/// <param name="SlowStartMinWeightPercent"><c>slow_start_min_weight_percent</c>.</param>
public sealed record FleetControls(
    int MaxEjectionPercent,
    int PanicThreshold,
    bool FailFastOnPanic,
    TimeSpan SlowStart,
    double SlowStartAggression,
    int SlowStartMinWeightPercent)
{
    /// <summary>The documented defaults.</summary>
    public static FleetControls Default { get; } = new(
        FleetControlOptions.DefaultMaxEjectionPercent, FleetControlOptions.DefaultPanicThreshold, false, TimeSpan.Zero, 1.0,
        FleetControlOptions.DefaultSlowStartMinWeightPercent);

    /// <summary>Resolves <paramref name="options"/> (already merged over the defaults) with the documented defaults for what is still unset.</summary>
    public static FleetControls From(FleetControlOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var fallback = Default;
        return new FleetControls(
            options.MaxEjectionPercent ?? fallback.MaxEjectionPercent,
            options.PanicThreshold ?? fallback.PanicThreshold,
            string.Equals(options.PanicMode, PanicModes.FailFast, StringComparison.Ordinal),
            options.SlowStart ?? fallback.SlowStart,
            options.SlowStartAggression ?? fallback.SlowStartAggression,
            options.SlowStartMinWeightPercent ?? fallback.SlowStartMinWeightPercent);
    }
}
