using Microsoft.Extensions.Options;
using TradingAgents.Actors.Silo.Hosting;

namespace TradingAgents.Actors.Tests.Hosting;

/// <summary>How <see cref="StartupFailure"/> words validation failures: one list, one line per key, each once.</summary>
public sealed class StartupFailureDescribeTests
{
    [Fact]
    public void Describe_FailuresOfSeveralSections_OneListWithoutDoubledPunctuation()
    {
        var gateway = new OptionsValidationException(
            "Options", typeof(object), ["Gateway:DrainTimeoutSeconds is 99999; expected 0..3600.", "Gateway:RetryAfterSeconds is 0; expected 1..3600."]);
        var discovery = new OptionsValidationException(
            "Options",
            typeof(object),
            [string.Join(Environment.NewLine, "The service_discovery configuration has 2 error(s):", "service_discovery:max_retries: -1 must be at least 0", "service_discovery:cache_ttl: 'x' is not a number")]);

        var text = StartupFailure.Describe(new AggregateException(discovery, gateway, gateway));

        Assert.Equal(
            string.Join(
                Environment.NewLine,
                "Start-up failed: The configuration has 4 error(s):",
                "  service_discovery:max_retries: -1 must be at least 0",
                "  service_discovery:cache_ttl: 'x' is not a number",
                "  Gateway:DrainTimeoutSeconds is 99999; expected 0..3600",
                "  Gateway:RetryAfterSeconds is 0; expected 1..3600"),
            text);
        Assert.DoesNotContain(".;", text, StringComparison.Ordinal);
    }
}
