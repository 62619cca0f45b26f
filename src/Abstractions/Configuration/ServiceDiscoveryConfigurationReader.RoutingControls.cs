using Microsoft.Extensions.Configuration;

namespace TradingAgents.Actors.Configuration;

public static partial class ServiceDiscoveryConfigurationReader
{
    private static readonly string[] RetryBudgetKeys = ["enabled", "ratio", "min_retries_per_second", "window"];

    private static readonly string[] ZoneAffinityKeys = ["enabled", "min_healthy_share", "min_instances", "prefer_node"];

    private static void ReadRetryBudget(SectionReader reader, IConfigurationSection section, RetryBudgetOptions options)
    {
        if (!reader.ExpectMap(section, RetryBudgetKeys))
        {
            return;
        }

        options.Enabled = reader.Bool(section, "enabled") ?? options.Enabled;
        options.Ratio = reader.Number(section, "ratio", min: 0, max: 10) ?? options.Ratio;
        options.MinRetriesPerSecond = reader.Number(section, "min_retries_per_second", min: 0, max: 1_000_000) ?? options.MinRetriesPerSecond;
        var window = reader.Seconds(section, "window");
        if (window is { } w && (w < TimeSpan.FromSeconds(1) || w > TimeSpan.FromMinutes(10)))
        {
            reader.Error(ConfigurationPath.Combine(section.Path, "window"), $"{FormatSeconds(w)} s is not in 1..600 s");
        }
        else if (window is { } valid)
        {
            options.Window = valid;
        }
    }

    /// <summary>A service's <c>retry_budget</c>: the global one with the keys it sets replaced; null when it sets none.</summary>
    private static RetryBudgetOptions? ReadServiceRetryBudget(SectionReader reader, IConfigurationSection section, RetryBudgetOptions global)
    {
        if (!section.Exists())
        {
            return null;
        }

        // The global section is read before the services, so the copy starts from its final values.
        var options = global.Clone();
        ReadRetryBudget(reader, section, options);
        return options;
    }

    private static void ReadZoneAffinity(SectionReader reader, IConfigurationSection section, ZoneAffinityOptions options)
    {
        if (!reader.ExpectMap(section, ZoneAffinityKeys))
        {
            return;
        }

        options.Enabled = reader.Bool(section, "enabled") ?? options.Enabled;
        options.MinHealthyShare = reader.Number(section, "min_healthy_share", min: 0, max: 1) ?? options.MinHealthyShare;
        options.MinInstances = reader.Int(section, "min_instances", min: 1, max: 10_000) ?? options.MinInstances;
        options.PreferNode = reader.Bool(section, "prefer_node") ?? options.PreferNode;
    }
}
