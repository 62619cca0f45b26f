namespace TradingAgents.Actors.Configuration;

/// <summary>The policy names accepted in configuration (the seed's names plus <c>power_of_two_choices</c>).</summary>
public static class LoadBalancingAlgorithms
{
    /// <summary>Each selectable instance in turn, with one cursor for the whole fleet.</summary>
    public const string RoundRobin = "round_robin";

    /// <summary>The instance with the fewest calls in flight.</summary>
    public const string LeastConnections = "least_connections";

    /// <summary>Random, in proportion to each instance's weight.</summary>
    public const string WeightedRandom = "weighted_random";

    /// <summary>The seed's score: response time (s) + 0.1 × connections + 2.0 × failures; lowest wins.</summary>
    public const string HealthAware = "health_aware";

    /// <summary>Two random instances; the one with fewer calls in flight.</summary>
    public const string PowerOfTwoChoices = "power_of_two_choices";

    /// <summary>Every accepted name.</summary>
    public static IReadOnlyList<string> All { get; } = [RoundRobin, LeastConnections, WeightedRandom, HealthAware, PowerOfTwoChoices];
}
