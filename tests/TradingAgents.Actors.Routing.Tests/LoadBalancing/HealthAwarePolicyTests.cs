using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.LoadBalancing;
using TradingAgents.Actors.Routing;
using Xunit.Abstractions;

namespace TradingAgents.Actors.Tests.LoadBalancing;

public sealed class HealthAwarePolicyTests(ITestOutputHelper output)
{
    // The seed's target for equal instances: load-balancing deviation under 10 %.
    private const double SeedDeviation = 0.10;

    [Fact]
    public void Score_SeedFormula_LatencyPlusTenthOfConnectionsPlusTwiceFailures()
    {
        Assert.Equal(0.25 + 0.4 + 6.0, HealthAwarePolicy.Score(PolicyRuns.Endpoint(4, 0.25, 3, 1)), 12);
    }

    [Fact]
    public void Weight_InverseSquareOfScorePlusOffset()
    {
        // Score 0.15 (0.05 s + one call in flight); (0.15 + 0.1)^-2 = 16.
        Assert.Equal(16.0, HealthAwarePolicy.Weight(PolicyRuns.Endpoint(1, 0.05, 0, 1)), 9);
    }

    [Fact]
    public void Pick_ThreeEqualInstancesSequential_DeviationUnderSeedTarget()
    {
        var counts = PolicyRuns.Count(new HealthAwarePolicy(new Random(11)), PolicyRuns.WithInFlight(0, 0, 0));

        AssertBalanced(counts);
        Assert.Equal(PolicyRuns.Picks, counts.Sum());
    }

    [Fact]
    public void Pick_ThreeEqualInstancesConcurrent_DeviationUnderSeedTarget()
    {
        RouteEndpoint[] candidates = [.. Enumerable.Range(0, 3).Select(_ => PolicyRuns.Endpoint(0, 0.005, 0, 1))];

        var counts = PolicyRuns.CountConcurrent(new HealthAwarePolicy(new Random(12)), candidates, concurrency: 16, seed: 13);

        AssertBalanced(counts);
        Assert.All(candidates, c => Assert.Equal(0, c.InFlight));
    }

    [Fact]
    public void Pick_FromManyThreadsAtOnce_SharesEvenly()
    {
        // Real threads on the shared, thread-safe source used in production (a System.Random shared unsafely
        // degrades to returning 0). Calls here do not hold in-flight counts: on a busy machine a preempted
        // thread would hold its call for thousands of other picks, which is a slow call, not an equal one;
        // rising and falling counts are the simulation above. 10 % is 20 standard deviations of 100,000 fair picks.
        RouteEndpoint[] candidates = [.. Enumerable.Range(0, 3).Select(_ => PolicyRuns.Endpoint(0, 0.005, 0, 1))];
        var policy = new HealthAwarePolicy(Random.Shared);
        var counts = new int[3];

        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            for (var i = 0; i < PolicyRuns.Picks / 4; i++)
            {
                Interlocked.Increment(ref counts[policy.Pick(candidates)]);
            }
        });

        Assert.Equal(PolicyRuns.Picks, counts.Sum());
        AssertBalanced(counts);
    }

    [Fact]
    public void Pick_OneInstanceHalfAMillisecondFaster_StillShares()
    {
        // A deterministic better-of-two would give the fast instance every pair it is in: 2/3 of all picks.
        RouteEndpoint[] candidates = [PolicyRuns.Endpoint(0, 0.005, 0, 1), PolicyRuns.Endpoint(0, 0.0045, 0, 1), PolicyRuns.Endpoint(0, 0.005, 0, 1)];

        var counts = PolicyRuns.Count(new HealthAwarePolicy(new Random(21)), candidates);

        AssertBalanced(counts);
    }

    [Fact]
    public void Pick_OneColdFirstRequest_KeepsItsPairShare()
    {
        // The issue's case: one 114 ms first request. It is picked in a pair with a 5 ms instance with
        // probability 0.105² / (0.105² + 0.214²) = 19.4 %, and is in 2 of the 3 pairs.
        RouteEndpoint[] candidates = [PolicyRuns.Endpoint(0, 0.114, 0, 1), PolicyRuns.Endpoint(0, 0.005, 0, 1), PolicyRuns.Endpoint(0, 0.005, 0, 1)];
        var expected = 2.0 / 3 * (0.105 * 0.105) / ((0.105 * 0.105) + (0.214 * 0.214));

        var counts = PolicyRuns.Count(new HealthAwarePolicy(new Random(22)), candidates);
        output.WriteLine($"counts {string.Join(" / ", counts)}, cold share {counts[0] / (double)PolicyRuns.Picks:P2}, expected {expected:P2}");

        Assert.InRange(counts[0] / (double)PolicyRuns.Picks, expected - 0.005, expected + 0.005);
        Assert.InRange(counts[1] / (double)counts[2], 0.95, 1.05);
    }

    [Fact]
    public void Pick_OneFailureThenReset_SmallShareThenShareBack()
    {
        var healthy = Snapshot(1, Instance("a", 5, 1), Instance("b", 5, 0), Instance("c", 5, 0));
        var failed = RouteTable.Build(healthy, previous: null);
        var policy = new HealthAwarePolicy(new Random(31));

        var counts = PolicyRuns.Count(policy, failed.Selectable);
        output.WriteLine($"counts {string.Join(" / ", counts)} with one failure on the first");

        // In a pair with a healthy instance it wins 0.105² / (0.105² + 2.105²) = 0.25 %: 0.17 % of all picks.
        Assert.InRange(counts[0], 1, PolicyRuns.Picks / 200);
        Assert.InRange(counts[1] / (double)counts[2], 0.95, 1.05);

        var reset = RouteTable.Build(Snapshot(2, Instance("a", 5, 0), Instance("b", 5, 0), Instance("c", 5, 0)), failed);
        var after = PolicyRuns.Count(policy, reset.Selectable);

        AssertBalanced(after);
    }

    [Fact]
    public void Pick_UnmeasuredInstance_NeverPreferredOverMeasured()
    {
        // The table gives the unmeasured instance the slowest measured latency (6 ms), not 0.
        var table = RouteTable.Build(
            Snapshot(1, Instance("a", 4, 0), Instance("b", 6, 0), Instance("c", 0, 0, measured: false)),
            previous: null);
        var fast = table.ById["a"];
        var slow = table.ById["b"];
        var unmeasured = table.ById["c"];

        Assert.Equal(HealthAwarePolicy.Weight(slow), HealthAwarePolicy.Weight(unmeasured));
        Assert.True(HealthAwarePolicy.Weight(unmeasured) < HealthAwarePolicy.Weight(fast));

        var counts = PolicyRuns.Count(new HealthAwarePolicy(new Random(41)), table.Selectable);
        var share = counts.Select(c => c / (double)PolicyRuns.Picks).ToArray();

        Assert.True(share[2] < share[0], $"shares {string.Join(" / ", share)}");
        Assert.True(share[2] < share[1] + 0.01, $"shares {string.Join(" / ", share)}");
    }

    [Fact]
    public void Pick_NoInstanceMeasured_SharesEvenly()
    {
        var table = RouteTable.Build(
            Snapshot(1, Instance("a", 0, 0, measured: false), Instance("b", 0, 0, measured: false), Instance("c", 0, 0, measured: false)),
            previous: null);

        var counts = PolicyRuns.Count(new HealthAwarePolicy(new Random(42)), table.Selectable);

        AssertBalanced(counts);
    }

    [Theory]
    [InlineData(0.5, 0, 0, 0.0, 4, 0)] // 0.5 s latency against 4 calls in flight (0.4)
    [InlineData(0.25, 0, 0, 0.0, 3, 0)] // 0.25 s latency against 3 calls in flight (0.3)
    [InlineData(1.9, 0, 0, 0.0, 0, 1)] // 1.9 s latency against one failure (2.0)
    [InlineData(0.0, 21, 0, 0.0, 0, 1)] // 21 calls in flight (2.1) against one failure (2.0)
    [InlineData(0.0045, 0, 0, 0.005, 0, 0)] // 0.5 ms of noise
    public void Pick_TwoCandidates_ShareFollowsScoreWeights(
        double latencyA, int inFlightA, int failuresA, double latencyB, int inFlightB, int failuresB)
    {
        RouteEndpoint[] candidates = [PolicyRuns.Endpoint(inFlightA, latencyA, failuresA, 1), PolicyRuns.Endpoint(inFlightB, latencyB, failuresB, 1)];
        var scoreA = latencyA + (0.1 * inFlightA) + (2.0 * failuresA) + 0.1;
        var scoreB = latencyB + (0.1 * inFlightB) + (2.0 * failuresB) + 0.1;
        var expectedA = scoreB * scoreB / ((scoreA * scoreA) + (scoreB * scoreB));

        var counts = PolicyRuns.Count(new HealthAwarePolicy(new Random(51)), candidates);

        Assert.InRange(counts[0] / (double)PolicyRuns.Picks, expectedA - 0.005, expectedA + 0.005);
    }

    [Fact]
    public void Pick_ScoresDifferOnlyByConnections_FewerGetMore()
    {
        var counts = PolicyRuns.Count(new HealthAwarePolicy(new Random(61)), [PolicyRuns.Endpoint(3, 0.05, 0, 1), PolicyRuns.Endpoint(1, 0.05, 0, 1), PolicyRuns.Endpoint(2, 0.05, 0, 1)]);

        Assert.True(counts[1] > counts[2] && counts[2] > counts[0], $"counts {string.Join(" / ", counts)}");
    }

    [Fact]
    public void Pick_ScoresDifferOnlyByLatency_FasterGetMore()
    {
        var counts = PolicyRuns.Count(new HealthAwarePolicy(new Random(62)), [PolicyRuns.Endpoint(0, 0.3, 0, 1), PolicyRuns.Endpoint(0, 0.1, 0, 1), PolicyRuns.Endpoint(0, 0.2, 0, 1)]);

        Assert.True(counts[1] > counts[2] && counts[2] > counts[0], $"counts {string.Join(" / ", counts)}");
    }

    [Theory]
    [InlineData(double.NaN, 0.0)]
    [InlineData(-1.0, 1.0)]
    public void Pick_NotANumberOrNegativeLatency_SlowestOrZero(double latency, double expectedShare)
    {
        // NaN counts as an hour (never preferred), a negative latency as 0; against 0 s and 1 s of latency
        // both are decided at well over 99 %.
        RouteEndpoint[] candidates = [PolicyRuns.Endpoint(0, latency, 0, 1), PolicyRuns.Endpoint(0, 1.0, 0, 1)];

        var counts = PolicyRuns.Count(new HealthAwarePolicy(new Random(71)), candidates);

        Assert.InRange(counts[0] / (double)PolicyRuns.Picks, expectedShare - 0.01, expectedShare + 0.01);
    }

    [Fact]
    public void Pick_SingleCandidate_PicksIt()
    {
        Assert.Equal(0, new HealthAwarePolicy(new Random(1)).Pick([PolicyRuns.Endpoint(5, 1.0, 3, 1)]));
    }

    [Fact]
    public void Constructor_NullRandom_Throws()
    {
        var error = Assert.Throws<ArgumentNullException>(() => new HealthAwarePolicy(null!));

        Assert.Equal("random", error.ParamName);
    }

    [Fact]
    public void Pick_Repeatedly_AllocatesNothing()
    {
        RouteEndpoint[] candidates = [PolicyRuns.Endpoint(2, 0.1, 0, 1), PolicyRuns.Endpoint(9, 0.1, 1, 1), PolicyRuns.Endpoint(2, 0.1, 0, 1)];

        Assert.Equal(0, PolicyRuns.AllocatedBytes(new HealthAwarePolicy(new Random(1)), candidates));
    }

    private void AssertBalanced(int[] counts)
    {
        var deviation = PolicyRuns.MaxDeviation(counts);
        output.WriteLine($"counts {string.Join(" / ", counts)}, deviation {deviation:P2}");
        Assert.True(deviation < SeedDeviation, $"counts {string.Join(" / ", counts)}, deviation {deviation:P2}");
    }

    private static RoutingInstance Instance(string id, double latencyMs, int consecutiveFailures, bool measured = true) =>
        new(id, "127.0.0.1", 0, null, null, null, 1, InstanceAvailability.Selectable, null, CircuitState.Closed, HealthState.Healthy,
            latencyMs, consecutiveFailures, 0, null, measured);

    private static RoutingSnapshot Snapshot(long version, params RoutingInstance[] instances) =>
        new("data-service", Guid.Empty, version, SelectionStatus.Selected, "health_aware", DateTimeOffset.UnixEpoch, [.. instances], null);
}
