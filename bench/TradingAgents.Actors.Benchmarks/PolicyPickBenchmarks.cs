using BenchmarkDotNet.Attributes;
using TradingAgents.Actors.LoadBalancing;

namespace TradingAgents.Actors.Benchmarks;

/// <summary>
/// Cost of one selection by each load-balancing policy over a service's selectable instances, as the
/// service grain pays it inside every <c>SelectAsync</c> call.
/// </summary>
[MemoryDiagnoser]
public class PolicyPickBenchmarks
{
    private PolicyCandidate[] _candidates = [];
    private RoundRobinPolicy _roundRobin = null!;
    private LeastConnectionsPolicy _leastConnections = null!;
    private WeightedRandomPolicy _weightedRandom = null!;
    private HealthAwarePolicy _healthAware = null!;
    private PowerOfTwoChoicesPolicy _powerOfTwoChoices = null!;

    [Params(3, 30, 300)]
    public int Instances { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // A busy fleet: mixed load, latency, failures and weights, so ties are occasional, not constant.
        var random = new Random(1234);
        _candidates = new PolicyCandidate[Instances];
        for (var i = 0; i < Instances; i++)
        {
            _candidates[i] = new PolicyCandidate(
                InFlight: random.Next(0, 20),
                LatencySeconds: 0.01 + (random.NextDouble() * 0.5),
                ConsecutiveFailures: random.Next(0, 10) == 0 ? 1 : 0,
                Weight: random.Next(1, 5));
        }

        _roundRobin = new RoundRobinPolicy();
        _leastConnections = new LeastConnectionsPolicy();
        _weightedRandom = new WeightedRandomPolicy(new Random(1));
        _healthAware = new HealthAwarePolicy();
        _powerOfTwoChoices = new PowerOfTwoChoicesPolicy(new Random(2));
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
