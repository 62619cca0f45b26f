namespace TradingAgents.Actors.Routing;

/// <summary>
/// One instance's slow-start ramp, started by its instance grain (so every router ramps from the same instant)
/// and computed by each router from its own clock: the weight factor grows from
/// <paramref name="MinWeightPercent"/> % to 1 over <paramref name="Window"/> as
/// <c>(elapsed / window)^(1 / aggression)</c>, Envoy's slow-start formula.
/// </summary>
/// <param name="Since">When the ramp started (the instance appeared, or its circuit closed again).</param>
/// <param name="Window">How long the ramp lasts (<c>slow_start</c>).</param>
/// <param name="Aggression"><c>slow_start_aggression</c>: 1 is linear, above 1 ramps faster at first.</param>
/// <param name="MinWeightPercent"><c>slow_start_min_weight_percent</c>: the lowest factor, in percent.</param>
[GenerateSerializer, Immutable, Alias("ta.SlowStartRamp")]
public sealed record SlowStartRamp(
    [property: Id(0)] DateTimeOffset Since,
    [property: Id(1)] TimeSpan Window,
    [property: Id(2)] double Aggression,
    [property: Id(3)] int MinWeightPercent)
{
    /// <summary>When the ramp is over and the factor is 1.</summary>
    public DateTimeOffset EndsAt => Window > DateTimeOffset.MaxValue - Since ? DateTimeOffset.MaxValue : Since + Window;

    /// <summary>The weight factor at <paramref name="now"/>, in [<see cref="MinWeightPercent"/> / 100, 1].</summary>
    public double Factor(DateTimeOffset now)
    {
        if (Window <= TimeSpan.Zero || now >= EndsAt)
        {
            return 1.0;
        }

        var minimum = Math.Clamp(MinWeightPercent, 1, 100) / 100.0;
        var elapsed = now - Since;
        if (elapsed <= TimeSpan.Zero)
        {
            return minimum;
        }

        var time = elapsed.Ticks / (double)Window.Ticks;
        var ramped = Aggression is > 0 and not 1.0 ? Math.Pow(time, 1.0 / Aggression) : time;
        return Math.Max(minimum, ramped);
    }
}
