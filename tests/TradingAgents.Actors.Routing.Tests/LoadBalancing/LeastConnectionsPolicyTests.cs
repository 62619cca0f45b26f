using TradingAgents.Actors.LoadBalancing;

namespace TradingAgents.Actors.Tests.LoadBalancing;

public sealed class LeastConnectionsPolicyTests
{
    [Fact]
    public void Pick_OneIdleAmongBusy_AlwaysPicksIdle()
    {
        var counts = PolicyRuns.Count(new LeastConnectionsPolicy(), PolicyRuns.WithInFlight(4, 7, 0, 2, 9));

        Assert.Equal([0, 0, PolicyRuns.Picks, 0, 0], counts);
    }

    [Fact]
    public void Pick_TiedLeastBusy_SharesTrafficEvenlyAmongThem()
    {
        var counts = PolicyRuns.Count(new LeastConnectionsPolicy(), PolicyRuns.WithInFlight(3, 1, 1, 5, 1));

        Assert.Equal([0, 33_334, 33_333, 0, 33_333], counts);
    }

    [Fact]
    public void Pick_AllEqual_RotatesInsteadOfAlwaysFirst()
    {
        var policy = new LeastConnectionsPolicy();
        var candidates = PolicyRuns.WithInFlight(2, 2, 2);

        int[] picks = [policy.Pick(candidates), policy.Pick(candidates), policy.Pick(candidates), policy.Pick(candidates)];

        Assert.Equal([0, 1, 2, 0], picks);
    }

    [Fact]
    public void Pick_SingleCandidate_PicksIt()
    {
        Assert.Equal(0, new LeastConnectionsPolicy().Pick(PolicyRuns.WithInFlight(12)));
    }

    [Fact]
    public void Pick_Repeatedly_AllocatesNothing()
    {
        Assert.Equal(0, PolicyRuns.AllocatedBytes(new LeastConnectionsPolicy(), PolicyRuns.WithInFlight(3, 0, 0, 5, 0)));
    }
}
