using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace TradingAgents.Actors.Configuration;

public static partial class ServiceDiscoveryConfigurationReader
{
    /// <summary>Reads the fleet-wide control keys (listed in <c>LoadBalancingKeys</c> and <c>ServiceKeys</c>) of <paramref name="section"/>.</summary>
    private static void ReadFleetControls(SectionReader reader, IConfigurationSection section, FleetControlOptions options)
    {
        options.MaxEjectionPercent = reader.Int(section, "max_ejection_percent", min: 0, max: 100, optional: true) ?? options.MaxEjectionPercent;
        options.PanicThreshold = reader.Int(section, "panic_threshold", min: 0, max: 100, optional: true) ?? options.PanicThreshold;
        options.PanicMode = reader.OneOf(section, "panic_mode", PanicModes.All, "panic mode", optional: true) ?? options.PanicMode;
        if (ReadNumber(reader, section, "slow_start", min: 0, max: 24 * 3600, minExclusive: false, "a number of seconds (0 turns slow start off)") is { } slowStart)
        {
            options.SlowStart = TimeSpan.FromSeconds(slowStart);
        }

        options.SlowStartAggression = ReadNumber(reader, section, "slow_start_aggression", min: 0, max: 100, minExclusive: true, "a number above 0 (1 is linear)")
            ?? options.SlowStartAggression;
        options.SlowStartMinWeightPercent = reader.Int(section, "slow_start_min_weight_percent", min: 1, max: 100, optional: true) ?? options.SlowStartMinWeightPercent;
    }

    /// <summary>A number in [<paramref name="min"/>, <paramref name="max"/>] (min excluded when <paramref name="minExclusive"/>); null when absent or bad (reported).</summary>
    private static double? ReadNumber(SectionReader reader, IConfigurationSection section, string key, double min, double max, bool minExclusive, string expected)
    {
        var child = section.GetSection(key);
        if (!child.Exists())
        {
            return null;
        }

        var text = child.Value?.Trim();
        if (string.IsNullOrEmpty(text)
            || !double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value)
            || double.IsNaN(value)
            || (minExclusive ? value <= min : value < min)
            || value > max)
        {
            reader.Error(child.Path, $"'{child.Value ?? "(a map or list)"}' is not {expected}, at most {max.ToString(CultureInfo.InvariantCulture)}");
            return null;
        }

        return value;
    }
}
