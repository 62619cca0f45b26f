using TradingAgents.Actors.Configuration;

namespace TradingAgents.Actors.LoadBalancing;

/// <summary>Builds the policy named in configuration (<see cref="LoadBalancingAlgorithms"/>).</summary>
internal static class LoadBalancingPolicyFactory
{
    /// <summary>A new policy for <paramref name="algorithm"/>, drawing randomness from <paramref name="random"/>, which must be
    /// thread-safe (<see cref="Random.Shared"/>) wherever picks run concurrently, as they do in a router.</summary>
    /// <exception cref="ArgumentException"><paramref name="algorithm"/> is not one of <see cref="LoadBalancingAlgorithms.All"/>.</exception>
    public static ILoadBalancingPolicy Create(string algorithm, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);

        return algorithm switch
        {
            LoadBalancingAlgorithms.RoundRobin => new RoundRobinPolicy(unchecked((ulong)random.NextInt64())),
            LoadBalancingAlgorithms.LeastConnections => new LeastConnectionsPolicy(),
            LoadBalancingAlgorithms.WeightedRandom => new WeightedRandomPolicy(random),
            LoadBalancingAlgorithms.HealthAware => new HealthAwarePolicy(random),
            LoadBalancingAlgorithms.PowerOfTwoChoices => new PowerOfTwoChoicesPolicy(random),
            _ => throw new ArgumentException(
                $"Unknown load-balancing algorithm {(algorithm is null ? "(null)" : $"'{algorithm}'")}; accepted: {string.Join(", ", LoadBalancingAlgorithms.All)}.",
                nameof(algorithm)),
        };
    }
}
