using TradingAgents.Actors.Configuration;

namespace TradingAgents.Actors.Tests.Configuration;

/// <summary>The issue 12 keys: capacity guard, panic, slow start (under load_balancing and per service) and the breaker quorum.</summary>
public sealed class FleetControlConfigurationTests : IDisposable
{
    private readonly YamlFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Read_NoKeys_DocumentedDefaults()
    {
        var result = _files.ReadBody("  max_retries: 3\n");

        Assert.Empty(result.Errors);
        Assert.Equal(new FleetControls(50, 50, false, TimeSpan.Zero, 1.0, 10), result.Options.GetFleetControls("data-service"));
        Assert.Equal(1, result.Options.CircuitBreaker.Quorum);
    }

    [Fact]
    public void Read_DefaultsAndServiceOverride_ServiceWinsKeyByKey()
    {
        var result = _files.ReadBody("""
              load_balancing:
                max_ejection_percent: 30
                panic_threshold: 40
                panic_mode: fail_fast
                slow_start: 60
                slow_start_aggression: 2.5
                slow_start_min_weight_percent: 5
              circuit_breaker:
                quorum: 2
              services:
                llm-service:
                  panic_mode: route_all
                  slow_start: 0
                  max_ejection_percent: 100
            """);

        Assert.Empty(result.Errors);
        Assert.Equal(new FleetControls(30, 40, true, TimeSpan.FromSeconds(60), 2.5, 5), result.Options.GetFleetControls("data-service"));
        Assert.Equal(new FleetControls(100, 40, false, TimeSpan.Zero, 2.5, 5), result.Options.GetFleetControls("llm-service"));
        Assert.Equal(2, result.Options.CircuitBreaker.Quorum);
    }

    [Fact]
    public void Read_BadValues_EveryOneReported()
    {
        var result = _files.ReadBody("""
              load_balancing:
                max_ejection_percent: 101
                panic_threshold: -1
                panic_mode: sometimes
                slow_start: -5
                slow_start_aggression: 0
                slow_start_min_weight_percent: 0
              circuit_breaker:
                quorum: 0
              services:
                data-service:
                  slow_start: soon
                  max_ejection_percent: half
            """);

        Assert.Equal(
            [
                "service_discovery:load_balancing:max_ejection_percent: 101 is not in 0..100",
                "service_discovery:load_balancing:panic_threshold: -1 is not in 0..100",
                "service_discovery:load_balancing:panic_mode: 'sometimes' is not a known panic mode; expected one of route_all, fail_fast",
                "service_discovery:load_balancing:slow_start: '-5' is not a number of seconds (0 turns slow start off), at most 86400",
                "service_discovery:load_balancing:slow_start_aggression: '0' is not a number above 0 (1 is linear), at most 100",
                "service_discovery:load_balancing:slow_start_min_weight_percent: 0 is not in 1..100",
                "service_discovery:circuit_breaker:quorum: 0 is not in 1..1000",
                "service_discovery:services:data-service:max_ejection_percent: 'half' is not an integer",
                "service_discovery:services:data-service:slow_start: 'soon' is not a number of seconds (0 turns slow start off), at most 86400",
            ],
            result.Errors);
    }
}
