using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Tests.Router;

public sealed class RouterOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed() =>
        Assert.True(new RouterOptionsValidator().Validate(null, new RouterOptions()).Succeeded);

    [Fact]
    public void Validate_SeveralBadKeys_NamesEveryOne()
    {
        var result = new RouterOptionsValidator().Validate(null, new RouterOptions
        {
            VersionCheckInterval = TimeSpan.Zero,
            OutcomeFlushInterval = TimeSpan.FromSeconds(-1),
            TrialLeasesPerRequest = 0,
            MaxPendingOutcomes = 0,
        });

        Assert.True(result.Failed);
        Assert.Equal(4, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.StartsWith("Routing:VersionCheckInterval is 00:00:00;", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Routing:OutcomeFlushInterval is -00:00:01;", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Routing:TrialLeasesPerRequest is 0;", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Routing:MaxPendingOutcomes is 0;", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_BadRetryBudgetIntervalZoneAndNode_NamesEachKey()
    {
        var result = new RouterOptionsValidator().Validate(null, new RouterOptions
        {
            RetryBudgetInterval = TimeSpan.FromMinutes(1),
            Zone = "zone a",
            Node = string.Empty,
        });

        Assert.Equal(
            [
                "Routing:RetryBudgetInterval is 00:01:00; expected 00:00:00.0100000..00:00:20.",
                "Routing:Zone is 'zone a'; expected a zone or node name (1..253 characters, no white space) or nothing.",
                "Routing:Node is ''; expected a zone or node name (1..253 characters, no white space) or nothing.",
            ],
            result.Failures!);
    }

    [Fact]
    public void Validate_ZoneAndNodeNames_Succeed() =>
        Assert.True(new RouterOptionsValidator().Validate(null, new RouterOptions { Zone = "eu-west-1a", Node = "ip-10-0-1-5.ec2.internal" }).Succeeded);
}
