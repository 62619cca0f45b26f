using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.LoadBalancing;

namespace TradingAgents.Actors.Tests.LoadBalancing;

public sealed class LoadBalancingPolicyFactoryTests
{
    public static TheoryData<string, Type> Algorithms => new()
    {
        { LoadBalancingAlgorithms.RoundRobin, typeof(RoundRobinPolicy) },
        { LoadBalancingAlgorithms.LeastConnections, typeof(LeastConnectionsPolicy) },
        { LoadBalancingAlgorithms.WeightedRandom, typeof(WeightedRandomPolicy) },
        { LoadBalancingAlgorithms.HealthAware, typeof(HealthAwarePolicy) },
        { LoadBalancingAlgorithms.PowerOfTwoChoices, typeof(PowerOfTwoChoicesPolicy) },
    };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Create_KnownName_ReturnsThatPolicy(string algorithm, Type expected)
    {
        var policy = LoadBalancingPolicyFactory.Create(algorithm, new Random(1));

        Assert.IsType(expected, policy);
        Assert.Equal(algorithm, policy.Name);
    }

    [Fact]
    public void Create_EveryAcceptedName_IsCovered()
    {
        Assert.Equal(LoadBalancingAlgorithms.All.Order(), Algorithms.Select(row => (string)row[0]).Order());
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Pick_EmptyCandidates_ReturnsMinusOne(string algorithm, Type expected)
    {
        var policy = LoadBalancingPolicyFactory.Create(algorithm, new Random(1));

        Assert.IsType(expected, policy);
        Assert.Equal(-1, policy.Pick([]));
    }

    [Theory]
    [InlineData("random")]
    [InlineData("Round_Robin")]
    [InlineData("")]
    public void Create_UnknownName_ThrowsListingAcceptedNames(string algorithm)
    {
        var error = Assert.Throws<ArgumentException>(() => LoadBalancingPolicyFactory.Create(algorithm, new Random(1)));

        Assert.Equal("algorithm", error.ParamName);
        Assert.Contains($"'{algorithm}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(
            "accepted: round_robin, least_connections, weighted_random, health_aware, power_of_two_choices.",
            error.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Create_NullName_ThrowsSayingNull()
    {
        var error = Assert.Throws<ArgumentException>(() => LoadBalancingPolicyFactory.Create(null!, new Random(1)));

        Assert.StartsWith("Unknown load-balancing algorithm (null); accepted: round_robin", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_NullRandom_Throws()
    {
        var error = Assert.Throws<ArgumentNullException>(() => LoadBalancingPolicyFactory.Create(LoadBalancingAlgorithms.RoundRobin, null!));

        Assert.Equal("random", error.ParamName);
    }
}
