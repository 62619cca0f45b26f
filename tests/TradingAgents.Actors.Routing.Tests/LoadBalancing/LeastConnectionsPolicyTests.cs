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
    public void Pick_TableAtScanLimit_ExactOverAll()
    {
        var inFlight = Enumerable.Repeat(5, LeastConnectionsPolicy.ExactScanLimit).ToArray();
        inFlight[^1] = 4;

        var counts = PolicyRuns.Count(new LeastConnectionsPolicy(), PolicyRuns.WithInFlight(inFlight), 1_000);

        Assert.Equal(1_000, counts[^1]);
    }

    [Fact]
    public void Pick_LargeTableOneIdle_ChosenByEveryWindowHoldingIt()
    {
        // 300 instances, one idle at 200: a lap of 300 picks scans windows starting at 0..299, and the 16
        // starting at 185..200 hold it.
        var inFlight = Enumerable.Repeat(5, 300).ToArray();
        inFlight[200] = 0;

        var counts = PolicyRuns.Count(new LeastConnectionsPolicy(), PolicyRuns.WithInFlight(inFlight), 300);

        Assert.Equal(LeastConnectionsPolicy.WindowSize, counts[200]);
        Assert.Equal(300, counts.Sum());
    }

    [Fact]
    public void Pick_LargeTableAllIdle_EachInstanceOncePerLap()
    {
        var counts = PolicyRuns.Count(new LeastConnectionsPolicy(), PolicyRuns.WithInFlight(new int[300]), 300 * 70);

        Assert.All(counts, c => Assert.Equal(70, c));
    }

    [Fact]
    public async Task Pick_CountsChangingOnOtherThreads_AlwaysInRange()
    {
        // Counts move between the scan and the tie pass; a pick must still land on a candidate.
        var candidates = PolicyRuns.WithInFlight(new int[8]);
        var policy = new LeastConnectionsPolicy();
        using var stop = new CancellationTokenSource();
        var churn = Task.Run(() =>
        {
            var random = new Random(3);
            for (var i = 0; i < 100_000_000 && !stop.IsCancellationRequested; i++)
            {
                var endpoint = candidates[random.Next(candidates.Length)];
                endpoint.Load.Started();
                endpoint.Load.Ended();
            }
        });

        var outOfRange = 0;
        for (var i = 0; i < 200_000; i++)
        {
            var index = policy.Pick(candidates);
            if (index < 0 || index >= candidates.Length)
            {
                outOfRange++;
            }
        }

        stop.Cancel();
        await churn;
        Assert.Equal(0, outOfRange);
    }

    [Fact]
    public void Pick_Repeatedly_AllocatesNothing()
    {
        Assert.Equal(0, PolicyRuns.AllocatedBytes(new LeastConnectionsPolicy(), PolicyRuns.WithInFlight(3, 0, 0, 5, 0)));
    }
}
