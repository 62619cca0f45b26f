using Microsoft.Extensions.Time.Testing;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Tests.Router;

public sealed class SlowStartRampTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, 0.10)]
    [InlineData(5, 0.10)]
    [InlineData(10, 0.10)]
    [InlineData(25, 0.25)]
    [InlineData(50, 0.50)]
    [InlineData(99, 0.99)]
    [InlineData(100, 1.0)]
    [InlineData(500, 1.0)]
    public void Factor_Linear_GrowsFromMinimumToOne(int seconds, double expected)
    {
        var ramp = new SlowStartRamp(Start, TimeSpan.FromSeconds(100), Aggression: 1.0, MinWeightPercent: 10);

        Assert.Equal(expected, ramp.Factor(Start.AddSeconds(seconds)), 9);
    }

    [Theory]
    [InlineData(2.0, 25, 0.5)]
    [InlineData(2.0, 64, 0.8)]
    [InlineData(0.5, 50, 0.25)]
    public void Factor_Aggression_IsTimeToTheInverseAggression(double aggression, int seconds, double expected)
    {
        var ramp = new SlowStartRamp(Start, TimeSpan.FromSeconds(100), aggression, MinWeightPercent: 1);

        Assert.Equal(expected, ramp.Factor(Start.AddSeconds(seconds)), 9);
    }

    [Fact]
    public void Factor_BeforeItsStart_IsTheMinimum()
    {
        // A router whose clock runs behind the grain's sees the ramp's start in the future.
        var ramp = new SlowStartRamp(Start, TimeSpan.FromSeconds(60), 1.0, MinWeightPercent: 20);

        Assert.Equal(0.2, ramp.Factor(Start.AddSeconds(-3)), 9);
    }

    [Fact]
    public void WeightFactor_FollowsTheRoutersClock()
    {
        var clock = new FakeTimeProvider(Start.AddSeconds(30));
        var ramp = new SlowStartRamp(Start, TimeSpan.FromSeconds(60), 1.0, MinWeightPercent: 10);
        var endpoint = RouteEndpoint.ForPolicy(0, 0.01, 0, weight: 4, ramp: ramp, clock: clock);

        Assert.Equal(0.5, endpoint.WeightFactor, 9);
        Assert.Equal(2.0, endpoint.EffectiveWeight, 9);

        // The factor is a cached read on the pick path; the routing table refreshes it (every 10 ms, before a pick).
        clock.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(0.5, endpoint.WeightFactor, 9);
        endpoint.RefreshWeightFactor();
        Assert.Equal(0.75, endpoint.WeightFactor, 9);

        clock.Advance(TimeSpan.FromSeconds(15));
        endpoint.RefreshWeightFactor();
        Assert.Equal(1.0, endpoint.WeightFactor);
        Assert.Equal(4.0, endpoint.EffectiveWeight);
    }

    [Fact]
    public void WeightFactor_WithoutRamp_IsOne()
    {
        var endpoint = RouteEndpoint.ForPolicy(0, 0.01, 0, weight: 3);

        Assert.Equal(1.0, endpoint.WeightFactor);
        Assert.Equal(3.0, endpoint.EffectiveWeight);
    }
}
