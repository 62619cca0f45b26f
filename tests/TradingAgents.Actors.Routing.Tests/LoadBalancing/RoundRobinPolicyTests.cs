using TradingAgents.Actors.LoadBalancing;

namespace TradingAgents.Actors.Tests.LoadBalancing;

public sealed class RoundRobinPolicyTests
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
    public void Pick_Repeatedly_AllocatesNothing()
    {
        Assert.Equal(0, PolicyRuns.AllocatedBytes(new RoundRobinPolicy(), PolicyRuns.WithInFlight(new int[30])));
    }
}
