using System.Collections.Immutable;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Discovery.Configuration;

namespace TradingAgents.Actors.Tests.Configuration;

public sealed class ConfigurationEndpointSetsTests
{
    private static readonly ImmutableDictionary<string, ConfiguredEndpointSet> None = ImmutableDictionary<string, ConfiguredEndpointSet>.Empty;

    [Fact]
    public void Compute_FirstReading_EverySetAtFloorVersionReadySortedAndWeighted()
    {
        var options = Options(("data-service", 2, [Endpoint("127.0.0.2", 8003, weight: 5, zone: "a", node: "n1"), Endpoint("127.0.0.1", 8003)]));

        var sets = ConfigurationEndpointSets.Compute(options, None, versionFloor: 1000);

        var set = Assert.Single(sets).Value;
        Assert.Equal(1000, set.Version);
        Assert.True(set.Changed);
        Assert.Equal<ServiceEndpoint>(
            [
                new ServiceEndpoint("127.0.0.1", 8003, EndpointConditions.ReadyToServe, Weight: 2),
                new ServiceEndpoint("127.0.0.2", 8003, EndpointConditions.ReadyToServe, "a", "n1", Weight: 5),
            ],
            set.Endpoints);
    }

    [Fact]
    public void ToEndpoints_NamedEndpoint_CarriesNameAsTargetName()
    {
        var service = new ServiceOptions { Endpoints = [new StaticEndpointOptions { Host = "127.0.0.1", Port = 8013, Name = "data-service-2" }, Endpoint("127.0.0.1", 8003)] };

        var endpoints = ConfigurationEndpointSets.ToEndpoints(service);

        Assert.Equal([null, "data-service-2"], endpoints.Select(static e => e.TargetName));
    }

    [Fact]
    public void Compute_SameEndpointsInAnotherOrder_KeepsVersionAndIsUnchanged()
    {
        var first = ConfigurationEndpointSets.Compute(Options(("data-service", 1, [Endpoint("127.0.0.1", 1), Endpoint("127.0.0.2", 1)])), None, 1000);

        var second = ConfigurationEndpointSets.Compute(Options(("data-service", 1, [Endpoint("127.0.0.2", 1), Endpoint("127.0.0.1", 1)])), first, 5000);

        Assert.Equal(1000, second["data-service"].Version);
        Assert.False(second["data-service"].Changed);
        Assert.Equal<ServiceEndpoint>(first["data-service"].Endpoints, second["data-service"].Endpoints);
    }

    [Fact]
    public void Compute_ChangedSet_TakesFloorWhenAbovePrevious()
    {
        var first = ConfigurationEndpointSets.Compute(Options(("data-service", 1, [Endpoint("127.0.0.1", 1)])), None, 1000);

        var second = ConfigurationEndpointSets.Compute(Options(("data-service", 1, [Endpoint("127.0.0.1", 2)])), first, 5000);

        Assert.Equal(5000, second["data-service"].Version);
        Assert.True(second["data-service"].Changed);
        Assert.Equal(2, Assert.Single(second["data-service"].Endpoints).Port);
    }

    [Fact]
    public void Compute_ChangedSetWithFloorNotAbovePrevious_IncrementsVersion()
    {
        var first = ConfigurationEndpointSets.Compute(Options(("data-service", 1, [Endpoint("127.0.0.1", 1)])), None, 1000);

        var second = ConfigurationEndpointSets.Compute(Options(("data-service", 3, [Endpoint("127.0.0.1", 1)])), first, 900);

        Assert.Equal(1001, second["data-service"].Version);
        Assert.Equal(3, Assert.Single(second["data-service"].Endpoints).Weight);
    }

    [Fact]
    public void Compute_ServiceRemoved_EmptySetWithHigherVersionThenUnchanged()
    {
        var first = ConfigurationEndpointSets.Compute(Options(("data-service", 1, [Endpoint("127.0.0.1", 1)]), ("llm-service", 1, [Endpoint("127.0.0.9", 1)])), None, 1000);

        var removed = ConfigurationEndpointSets.Compute(Options(("llm-service", 1, [Endpoint("127.0.0.9", 1)])), first, 2000);
        var again = ConfigurationEndpointSets.Compute(Options(("llm-service", 1, [Endpoint("127.0.0.9", 1)])), removed, 3000);

        Assert.Equal(2000, removed["data-service"].Version);
        Assert.True(removed["data-service"].Changed);
        Assert.Empty(removed["data-service"].Endpoints);
        Assert.Equal(1000, removed["llm-service"].Version);
        Assert.False(removed["llm-service"].Changed);
        Assert.Equal(2000, again["data-service"].Version);
        Assert.False(again["data-service"].Changed);
    }

    [Fact]
    public void Compute_ServiceAddedBack_VersionAboveItsEmptySet()
    {
        var first = ConfigurationEndpointSets.Compute(Options(("data-service", 1, [Endpoint("127.0.0.1", 1)])), None, 1000);
        var removed = ConfigurationEndpointSets.Compute(Options(), first, 2000);

        var back = ConfigurationEndpointSets.Compute(Options(("data-service", 1, [Endpoint("127.0.0.1", 1)])), removed, 1500);

        Assert.Equal(2001, back["data-service"].Version);
        Assert.True(back["data-service"].Changed);
        Assert.Single(back["data-service"].Endpoints);
    }

    [Fact]
    public void Compute_ConfiguredServiceWithoutEndpoints_PublishesEmptySet()
    {
        var sets = ConfigurationEndpointSets.Compute(Options(("data-service", 1, [])), None, 1000);

        Assert.Empty(sets["data-service"].Endpoints);
        Assert.Equal(1000, sets["data-service"].Version);
    }

    private static StaticEndpointOptions Endpoint(string host, int port, int? weight = null, string? zone = null, string? node = null) =>
        new() { Host = host, Port = port, Weight = weight, Zone = zone, Node = node };

    private static ServiceDiscoveryOptions Options(params (string Name, int Weight, StaticEndpointOptions[] Endpoints)[] services)
    {
        var options = new ServiceDiscoveryOptions();
        foreach (var (name, weight, endpoints) in services)
        {
            options.Services[name] = new ServiceOptions { Weight = weight, Endpoints = [.. endpoints] };
        }

        return options;
    }
}
