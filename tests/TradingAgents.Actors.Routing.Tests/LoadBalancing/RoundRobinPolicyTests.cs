using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.LoadBalancing;
using Xunit.Abstractions;

namespace TradingAgents.Actors.Tests.LoadBalancing;

public sealed class RoundRobinPolicyTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(10)]
    public void Pick_ManyTimes_EachInstanceGetsExactlyItsShare(int count)
    {
        var counts = PolicyRuns.Count(new RoundRobinPolicy(), PolicyRuns.WithInFlight(new int[count]));

        Assert.All(counts, c => Assert.Equal(PolicyRuns.Picks / count, c));
    }

    [Fact]
    public void Pick_ManyTimes_VisitsInstancesInCyclicOrder()
    {
        var policy = new RoundRobinPolicy();
        var candidates = PolicyRuns.WithInFlight(9, 0, 4);

        for (var i = 0; i < 1_000; i++)
        {
            Assert.Equal(i % 3, policy.Pick(candidates));
        }
    }

    [Fact]
    public void Pick_CursorWrapsAround_StaysCyclicWithoutThrowing()
    {
        var policy = new RoundRobinPolicy(ulong.MaxValue - 1);
        var candidates = PolicyRuns.WithInFlight(0, 0, 0, 0);

        int[] picks = [policy.Pick(candidates), policy.Pick(candidates), policy.Pick(candidates)];

        Assert.Equal([2, 3, 0], picks);
    }

    [Fact]
    public void Pick_InstanceCountShrinks_StaysInRange()
    {
        var policy = new RoundRobinPolicy();
        var five = PolicyRuns.WithInFlight(0, 0, 0, 0, 0);
        for (var i = 0; i < 4; i++)
        {
            policy.Pick(five);
        }

        Assert.Equal(1, policy.Pick(PolicyRuns.WithInFlight(0, 0, 0)));
    }

    [Fact]
    public void Pick_TwoRoutersFromRandomStarts_FleetDeviationWithinTwoPercent()
    {
        // Two gateways, each with its own router (random start), 100,000 requests each to the same three
        // instances, interleaved. Each router's counts differ by at most one, so the fleet's by at most two.
        var random = new Random(2026);
        var routers = new[]
        {
            LoadBalancingPolicyFactory.Create(LoadBalancingAlgorithms.RoundRobin, random),
            LoadBalancingPolicyFactory.Create(LoadBalancingAlgorithms.RoundRobin, random),
        };
        var candidates = PolicyRuns.WithInFlight(0, 0, 0);
        var counts = new int[3];
        for (var i = 0; i < PolicyRuns.Picks; i++)
        {
            foreach (var router in routers)
            {
                counts[router.Pick(candidates)]++;
            }
        }

        var deviation = PolicyRuns.MaxDeviation(counts);
        output.WriteLine($"counts {string.Join(" / ", counts)}, deviation {deviation:P4}");

        Assert.Equal(2 * PolicyRuns.Picks, counts.Sum());
        Assert.All(counts, c => Assert.InRange(c, 66_666, 66_668));
        Assert.True(deviation <= 0.02, $"deviation {deviation:P4}");
    }

    [Fact]
    public void Create_SeveralRouters_StartAtRandomPositions()
    {
        // Gateways started together should not all send their first request to the same instance.
        var random = new Random(7);
        var candidates = PolicyRuns.WithInFlight(new int[1_000]);

        var firsts = Enumerable.Range(0, 8)
            .Select(_ => LoadBalancingPolicyFactory.Create(LoadBalancingAlgorithms.RoundRobin, random).Pick(candidates))
            .ToArray();

        Assert.True(firsts.Distinct().Count() > 1, $"first picks {string.Join(", ", firsts)}");
    }

    [Fact]
    public void Pick_Repeatedly_AllocatesNothing()
    {
        Assert.Equal(0, PolicyRuns.AllocatedBytes(new RoundRobinPolicy(), PolicyRuns.WithInFlight(new int[30])));
    }
}
