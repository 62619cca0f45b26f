using BenchmarkDotNet.Attributes;
using TradingAgents.Actors.LoadBalancing;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Benchmarks;

/// <summary>
/// Cost of one local pick by each load-balancing policy over a routing table's selectable instances, as a
/// router pays it on every request (targets: round robin and power of two choices ≤ 50 ns and 0 B, every
/// policy ≤ 200 ns at 300 instances). The random policies draw from <see cref="Random.Shared"/>, as in
/// production. Round robin (one interlocked increment) is the baseline, so ratios compare runs on a noisy machine.
/// </summary>
[MemoryDiagnoser]
public class PolicyPickBenchmarks
{
    private RouteEndpoint[] _candidates = [];
    private RoundRobinPolicy _roundRobin = null!;
    private LeastConnectionsPolicy _leastConnections = null!;
    private WeightedRandomPolicy _weightedRandom = null!;
    private HealthAwarePolicy _healthAware = null!;
    private PowerOfTwoChoicesPolicy _powerOfTwoChoices = null!;

    [Params(3, 30, 300)]
    public int Instances { get; set; }

    /// <summary>Every third instance in slow start, half-way up a one-hour ramp (issue 12): each pick reads the clock for it.</summary>
    [Params(false, true)]
    public bool Ramping { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // A busy fleet: mixed load, latency, failures and weights, so ties are occasional, not constant.
        var random = new Random(1234);
        var ramp = new SlowStartRamp(DateTimeOffset.UtcNow - TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), 1.0, 10);
        _candidates = new RouteEndpoint[Instances];
        for (var i = 0; i < Instances; i++)
        {
            _candidates[i] = RouteEndpoint.ForPolicy(
                inFlight: random.Next(0, 20),
                latencySeconds: 0.01 + (random.NextDouble() * 0.5),
                consecutiveFailures: random.Next(0, 10) == 0 ? 1 : 0,
                weight: random.Next(1, 5),
                ramp: Ramping && i % 3 == 0 ? ramp : null,
                clock: TimeProvider.System);
        }

        _roundRobin = new RoundRobinPolicy();
        _leastConnections = new LeastConnectionsPolicy();
        _weightedRandom = new WeightedRandomPolicy(Random.Shared);
        _healthAware = new HealthAwarePolicy(Random.Shared);
        _powerOfTwoChoices = new PowerOfTwoChoicesPolicy(Random.Shared);
    }

    [Benchmark(Baseline = true)]
    public int RoundRobin() => _roundRobin.Pick(_candidates);

    [Benchmark]
    public int LeastConnections() => _leastConnections.Pick(_candidates);

    [Benchmark]
    public int WeightedRandom() => _weightedRandom.Pick(_candidates);

    [Benchmark]
    public int HealthAware() => _healthAware.Pick(_candidates);

    [Benchmark]
    public int PowerOfTwoChoices() => _powerOfTwoChoices.Pick(_candidates);
}
