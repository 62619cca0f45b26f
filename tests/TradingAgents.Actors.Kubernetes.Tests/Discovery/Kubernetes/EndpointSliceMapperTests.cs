using k8s.Models;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Discovery.Kubernetes;
using static TradingAgents.Actors.Tests.Fakes.Slices;

namespace TradingAgents.Actors.Tests.Discovery.Kubernetes;

public sealed class EndpointSliceMapperTests
{
    private static readonly ServiceOptions Defaults = new();

    [Fact]
    public void Map_SeveralSlices_UnitesThemDeDuplicatedAndSorted()
    {
        var endpoints = EndpointSliceMapper.Map(
            [
                Create("a", "svc", [Endpoint("10.0.0.2"), Endpoint("10.0.0.1")]),
                Create("b", "svc", [Endpoint("10.0.0.2"), Endpoint("10.0.0.3")]),
            ],
            Defaults);

        Assert.Equal(["10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.3:8080"], endpoints.Select(e => e.InstanceId));
    }

    [Fact]
    public void Map_DuplicateWithDifferentConditions_KeepsTheReadyOne()
    {
        var endpoints = EndpointSliceMapper.Map(
            [
                Create("a", "svc", [Endpoint("10.0.0.1", ready: false, serving: true, terminating: true)]),
                Create("b", "svc", [Endpoint("10.0.0.1")]),
            ],
            Defaults);

        Assert.Equal(EndpointConditions.ReadyToServe, Assert.Single(endpoints).Conditions);
    }

    [Theory]
    [InlineData(true, true, false, true, false)]
    [InlineData(false, true, true, true, true)]
    [InlineData(false, false, true, false, false)]
    [InlineData(false, false, false, false, false)]
    [InlineData(false, true, false, false, false)]
    public void Map_Conditions_KeepsReadyAndDrainingOnly(bool ready, bool serving, bool terminating, bool kept, bool draining)
    {
        var endpoints = EndpointSliceMapper.Map([Create("a", "svc", [Endpoint("10.0.0.1", ready, serving, terminating)])], Defaults);

        Assert.Equal(kept, endpoints.Length == 1);
        Assert.Equal(draining, kept && endpoints[0].Conditions.IsDrainingOnly);
    }

    [Fact]
    public void Map_AbsentConditions_ReadsThemAsTheApiDocuments()
    {
        var slice = Create("a", "svc", [Endpoint("10.0.0.1")]);
        slice.Endpoints[0].Conditions = null;

        var endpoint = Assert.Single(EndpointSliceMapper.Map([slice], Defaults));

        Assert.Equal(EndpointConditions.ReadyToServe, endpoint.Conditions);
    }

    [Fact]
    public void Map_PortByName_UsesTheConfiguredName()
    {
        var slice = Create("a", "svc", [Endpoint("10.0.0.1")]);
        slice.Ports = [new Discoveryv1EndpointPort { Name = "metrics", Port = 9090 }, new Discoveryv1EndpointPort { Name = "api", Port = 9000 }];

        Assert.Equal(9000, Assert.Single(EndpointSliceMapper.Map([slice], new ServiceOptions { PortName = "api" })).Port);
        Assert.Empty(EndpointSliceMapper.Map([slice], Defaults));
    }

    [Fact]
    public void Map_PortByNumber_UsesTheConfiguredNumberWhateverItsName()
    {
        var slice = Create("a", "svc", [Endpoint("10.0.0.1")], portName: "web", port: 8000);

        Assert.Equal(8000, Assert.Single(EndpointSliceMapper.Map([slice], new ServiceOptions { Port = 8000 })).Port);
        Assert.Empty(EndpointSliceMapper.Map([slice], new ServiceOptions { Port = 8001 }));
    }

    [Fact]
    public void Map_NamedPortAndOtherNumberConfigured_TheNameWins()
    {
        // A Service port 8003 named http with targetPort 8080: the slice carries http/8080.
        var slice = Create("a", "svc", [Endpoint("10.0.0.1")], portName: "http", port: 8080);
        slice.Ports.Add(new Discoveryv1EndpointPort { Name = "metrics", Port = 8003 });

        Assert.Equal(8080, Assert.Single(EndpointSliceMapper.Map([slice], new ServiceOptions { Port = 8003 })).Port);
        Assert.Null(EndpointSliceMapper.DescribePortMismatch([slice], new ServiceOptions { Port = 8003 }));
    }

    [Fact]
    public void DescribePortMismatch_NoPortMatches_SaysWhatWasWantedAndOffered()
    {
        var good = Create("a", "svc", [Endpoint("10.0.0.1")]);
        var bad = Create("b", "svc", [Endpoint("10.0.0.2")], portName: "grpc", port: 9090);

        Assert.Equal(
            "1 of 2 EndpointSlice(s) have no port named 'http' (they offer grpc/9090); their endpoints are not used",
            EndpointSliceMapper.DescribePortMismatch([good, bad], Defaults));
        Assert.Equal(["10.0.0.1:8080"], EndpointSliceMapper.Map([good, bad], Defaults).Select(e => e.InstanceId));
    }

    [Fact]
    public void Map_SingleUnnamedPort_IsUsedWhenNoNameMatches()
    {
        var slice = Create("a", "svc", [Endpoint("10.0.0.1")], portName: null, port: 7000);

        Assert.Equal(7000, Assert.Single(EndpointSliceMapper.Map([slice], Defaults)).Port);
    }

    [Fact]
    public void Map_Topology_CapturesZoneNodePodAndConfiguredWeight()
    {
        var slice = Create("a", "svc", [Endpoint("10.0.0.1", zone: "eu-1a", node: "node-7", pod: "svc-0")]);

        var endpoint = Assert.Single(EndpointSliceMapper.Map([slice], new ServiceOptions { Weight = 3 }));

        Assert.Equal(new ServiceEndpoint("10.0.0.1", 8080, EndpointConditions.ReadyToServe, "eu-1a", "node-7", 3, "svc-0"), endpoint);
    }

    [Fact]
    public void Map_IPv6Slice_NormalisesAndBracketsTheInstanceId()
    {
        var slice = Create("a", "svc", [Endpoint("fd00:0:0::0a")], addressType: "IPv6");

        var endpoint = Assert.Single(EndpointSliceMapper.Map([slice], Defaults));

        Assert.Equal("fd00::a", endpoint.Host);
        Assert.Equal("[fd00::a]:8080", endpoint.InstanceId);
    }

    [Fact]
    public void Map_FqdnSlice_IsSkipped()
    {
        var slice = WithVersion(Create("a", "svc", [Endpoint("db.example.internal")], addressType: "FQDN"));

        Assert.Null(EndpointSliceMapper.Validate(slice));
        Assert.Empty(EndpointSliceMapper.Map([slice], Defaults));
    }

    [Fact]
    public void Validate_GoodSlice_ReturnsNull() =>
        Assert.Null(EndpointSliceMapper.Validate(WithVersion(Create("a", "svc", [Endpoint("10.0.0.1")]))));

    [Theory]
    [InlineData("missing_metadata")]
    [InlineData("invalid_resource_version")]
    [InlineData("missing_service_label")]
    [InlineData("unknown_address_type")]
    [InlineData("too_many_endpoints")]
    [InlineData("invalid_port")]
    [InlineData("invalid_address")]
    public void Validate_BrokenSlice_NamesTheReason(string reason)
    {
        var slice = WithVersion(Create("a", "svc", [Endpoint("10.0.0.1")]));
        switch (reason)
        {
            case "missing_metadata": slice.Metadata.Name = null; break;
            case "invalid_resource_version": slice.Metadata.ResourceVersion = "-5"; break;
            case "missing_service_label": slice.Metadata.Labels.Clear(); break;
            case "unknown_address_type": slice.AddressType = "IPX"; break;
            case "too_many_endpoints": slice.Endpoints = [.. Enumerable.Range(0, 1001).Select(i => Endpoint($"10.1.{i / 250}.{i % 250}"))]; break;
            case "invalid_port": slice.Ports[0].Port = 65536; break;
            case "invalid_address": slice.Endpoints[0].Addresses = ["10.0.0.300"]; break;
        }

        var rejection = EndpointSliceMapper.Validate(slice);

        Assert.NotNull(rejection);
        Assert.Equal(reason, rejection.Reason);
        Assert.False(string.IsNullOrWhiteSpace(rejection.Detail));
    }

    [Fact]
    public void Validate_IPv4AddressInIPv6Slice_IsRejected()
    {
        var slice = WithVersion(Create("a", "svc", [Endpoint("10.0.0.1")], addressType: "IPv6"));

        Assert.Equal("invalid_address", EndpointSliceMapper.Validate(slice)?.Reason);
    }

    [Fact]
    public void Map_ThousandEndpoints_MapsEveryOne()
    {
        var slice = Create("a", "svc", [.. Enumerable.Range(0, 1000).Select(i => Endpoint($"10.1.{i / 250}.{i % 250}"))]);

        Assert.Equal(1000, EndpointSliceMapper.Map([slice], Defaults).Length);
    }

    private static V1EndpointSlice WithVersion(V1EndpointSlice slice)
    {
        slice.Metadata.ResourceVersion = "42";
        return slice;
    }
}
