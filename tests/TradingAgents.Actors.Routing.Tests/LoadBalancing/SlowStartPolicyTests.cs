using Microsoft.Extensions.Time.Testing;
using TradingAgents.Actors.LoadBalancing;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Tests.LoadBalancing;

/// <summary>How each policy honours a slow-start ramp: three equal instances, the first halfway up its ramp (factor 0.5).</summary>
public sealed class SlowStartPolicyTests
{
    private const double Tolerance = 0.006;

    private static readonly DateTimeOffset Now = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Now);

    private RouteEndpoint[] Candidates(int inFlightOthers = 0, int inFlightRamping = 0)
    {
        var ramp = new SlowStartRamp(Now.AddSeconds(-50), TimeSpan.FromSeconds(100), 1.0, 10);
        return
        [
            RouteEndpoint.ForPolicy(inFlightRamping, 0.05, 0, 1, ramp: ramp, clock: _clock),
            PolicyRuns.Endpoint(inFlightOthers, 0.05, 0, 1),
            PolicyRuns.Endpoint(inFlightOthers, 0.05, 0, 1),
        ];
    }

    private static double Share(int[] counts, int index) => counts[index] / (double)counts.Sum();

    [Fact]
    public void WeightedRandom_RampingInstance_GetsItsFactorOfTheWeight()
    {
        var counts = PolicyRuns.Count(new WeightedRandomPolicy(new Random(5)), Candidates());

        // Weights 0.5 : 1 : 1.
        Assert.Equal(0.2, Share(counts, 0), Tolerance);
        Assert.Equal(0.4, Share(counts, 1), Tolerance);
        Assert.Equal(0.4, Share(counts, 2), Tolerance);
    }

    [Fact]
    public void WeightedRandom_RampGrows_ShareFollowsWithoutANewTable()
    {
        var policy = new WeightedRandomPolicy(new Random(6));
        var candidates = Candidates();
        PolicyRuns.Count(policy, candidates, 1_000);

        // 40 s later the ramp is at 0.9: the cached weight bound is exceeded and refreshed by the exact scan.
        _clock.Advance(TimeSpan.FromSeconds(40));
        candidates[0].RefreshWeightFactor();
        var counts = PolicyRuns.Count(policy, candidates);

        Assert.Equal(0.9 / 2.9, Share(counts, 0), Tolerance);
    }

    [Fact]
    public void RoundRobin_RampingInstance_TakesItsFactorOfItsTurns()
    {
        var counts = PolicyRuns.Count(new RoundRobinPolicy(), Candidates(), 30_000);

        // Half of the ramping instance's turns pass on, spread evenly over the other two (not all to its successor).
        Assert.Equal(0.5 / 3, Share(counts, 0), 0.001);
        Assert.Equal(1.25 / 3, Share(counts, 1), 0.003);
        Assert.Equal(1.25 / 3, Share(counts, 2), 0.003);
    }

    [Fact]
    public void HealthAware_RampingInstance_WeightScaledByFactor()
    {
        var counts = PolicyRuns.Count(new HealthAwarePolicy(new Random(8)), Candidates());

        // Equal scores: in a pair with the ramping instance it wins f / (1 + f) = 1/3; it is in 2/3 of the pairs.
        Assert.Equal(2.0 / 9, Share(counts, 0), Tolerance);
        Assert.Equal(3.5 / 9, Share(counts, 1), Tolerance);
    }

    [Fact]
    public void PowerOfTwoChoices_RampingInstance_CountsAsBusier()
    {
        // Idle: (0 + 1) / 0.5 = 2 against 1, it loses every pair.
        Assert.Equal(0, PolicyRuns.Count(new PowerOfTwoChoicesPolicy(new Random(9)), Candidates(), 10_000)[0]);

        // Others with 2 in flight: 3 against 2, it wins every pair it is in (2/3 of them).
        Assert.Equal(2.0 / 3, Share(PolicyRuns.Count(new PowerOfTwoChoicesPolicy(new Random(9)), Candidates(inFlightOthers: 2)), 0), Tolerance);
    }

    [Fact]
    public void LeastConnections_RampingInstance_CountsAsBusier()
    {
        Assert.Equal(0, PolicyRuns.Count(new LeastConnectionsPolicy(), Candidates(), 3_000)[0]);
        Assert.Equal(3_000, PolicyRuns.Count(new LeastConnectionsPolicy(), Candidates(inFlightOthers: 2), 3_000)[0]);

        // (1 + 1) / 0.5 = 4 against 2 + 1 = 3: one call in flight on the ramping instance weighs like three.
        Assert.Equal(0, PolicyRuns.Count(new LeastConnectionsPolicy(), Candidates(inFlightOthers: 2, inFlightRamping: 1), 3_000)[0]);
    }

    [Fact]
    public void Pick_WithARampingInstance_AllocatesNothing()
    {
        var candidates = Candidates();
        Assert.Equal(0, PolicyRuns.AllocatedBytes(new RoundRobinPolicy(), candidates));
        Assert.Equal(0, PolicyRuns.AllocatedBytes(new LeastConnectionsPolicy(), candidates));
        Assert.Equal(0, PolicyRuns.AllocatedBytes(new HealthAwarePolicy(new Random(1)), candidates));
        Assert.Equal(0, PolicyRuns.AllocatedBytes(new PowerOfTwoChoicesPolicy(new Random(1)), candidates));
        Assert.Equal(0, PolicyRuns.AllocatedBytes(new WeightedRandomPolicy(new Random(1)), candidates));
    }

    [Fact]
    public void RouteTable_Build_CarriesTheRampAndTheRoutersClock()
    {
        var instance = new RoutingInstance("127.0.0.1:9001", "127.0.0.1", 9001, null, null, null, 2, InstanceAvailability.Selectable, null,
            Discovery.CircuitState.Closed, Discovery.HealthState.Healthy, 5, 0, 0, null, true)
        {
            SlowStart = new SlowStartRamp(Now.AddSeconds(-30), TimeSpan.FromSeconds(60), 1.0, 10),
        };
        var snapshot = new RoutingSnapshot("svc", Guid.NewGuid(), 1, Discovery.SelectionStatus.Selected, "weighted_random", Now, [instance], null);

        var table = RouteTable.Build(snapshot, previous: null, _clock);

        Assert.Equal(1.0, table.Selectable[0].EffectiveWeight, 9);

        // Refreshed at most every 10 ms (RoutePicker calls RefreshRamps before each pick).
        _clock.Advance(TimeSpan.FromMilliseconds(5));
        table.RefreshRamps();
        Assert.Equal(1.0, table.Selectable[0].EffectiveWeight, 9);
        _clock.Advance(TimeSpan.FromSeconds(30));
        table.RefreshRamps();
        Assert.Equal(2.0, table.Selectable[0].EffectiveWeight, 9);
    }
}
