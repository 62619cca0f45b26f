using TradingAgents.Actors.Configuration;

namespace TradingAgents.Actors.Tests.Configuration;

/// <summary>The <c>retry_budget</c> and <c>zone_affinity</c> sections (issue 12).</summary>
public sealed class RoutingControlsConfigurationTests : IDisposable
{
    private readonly YamlFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Read_NoSections_GivesDocumentedDefaults()
    {
        var result = _files.ReadBody("max_retries: 3");

        Assert.Empty(result.Errors);
        var budget = result.Options.RetryBudget;
        Assert.True(budget.Enabled);
        Assert.Equal(0.2, budget.Ratio);
        Assert.Equal(10, budget.MinRetriesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(10), budget.Window);
        Assert.Same(budget, result.Options.GetRetryBudget("data-service"));
        var zone = result.Options.ZoneAffinity;
        Assert.True(zone.Enabled);
        Assert.Equal(0.5, zone.MinHealthyShare);
        Assert.Equal(1, zone.MinInstances);
        Assert.True(zone.PreferNode);
    }

    [Fact]
    public void Read_ServiceRetryBudget_OverridesTheGlobalKeyByKey()
    {
        var result = _files.ReadBody("""
              retry_budget:
                ratio: 0.1
                min_retries_per_second: 5
                window: 20
              services:
                data-service:
                  retry_budget:
                    ratio: 0.5
                llm-service:
                  timeout: 60
            """);

        Assert.Empty(result.Errors);
        var own = result.Options.GetRetryBudget("data-service");
        Assert.Equal(0.5, own.Ratio);
        Assert.Equal(5, own.MinRetriesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(20), own.Window);
        Assert.Equal(0.1, result.Options.GetRetryBudget("llm-service").Ratio);
        Assert.Equal(0.1, result.Options.GetRetryBudget("discovered-only").Ratio);
    }

    [Fact]
    public void Read_ZoneAffinity_BindsEveryKey()
    {
        var result = _files.ReadBody("""
              zone_affinity:
                enabled: false
                min_healthy_share: 0.75
                min_instances: 2
                prefer_node: false
            """);

        Assert.Empty(result.Errors);
        Assert.False(result.Options.ZoneAffinity.Enabled);
        Assert.Equal(0.75, result.Options.ZoneAffinity.MinHealthyShare);
        Assert.Equal(2, result.Options.ZoneAffinity.MinInstances);
        Assert.False(result.Options.ZoneAffinity.PreferNode);
    }

    [Fact]
    public void Read_EveryBadKey_ListedAtOnce()
    {
        var result = _files.ReadBody("""
              retry_budget:
                ratio: -0.1
                min_retries_per_second: lots
                window: 0.5
                budget: 3
              zone_affinity:
                min_healthy_share: 1.5
                min_instances: 0
                prefer_zone: true
              services:
                data-service:
                  retry_budget:
                    ratio: 11
            """);

        Assert.Equal(
            [
                "service_discovery:retry_budget:budget: unknown key (expected one of enabled, ratio, min_retries_per_second, window)",
                "service_discovery:retry_budget:ratio: -0.1 is not in 0..10",
                "service_discovery:retry_budget:min_retries_per_second: 'lots' is not a number",
                "service_discovery:retry_budget:window: 0.5 s is not in 1..600 s",
                "service_discovery:zone_affinity:prefer_zone: unknown key; did you mean 'prefer_node'? (expected one of enabled, min_healthy_share, min_instances, prefer_node)",
                "service_discovery:zone_affinity:min_healthy_share: 1.5 is not in 0..1",
                "service_discovery:zone_affinity:min_instances: 0 is not in 1..10000",
                "service_discovery:services:data-service:retry_budget:ratio: 11 is not in 0..10",
            ],
            result.Errors);
    }
}
