using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Tests.Router;

public sealed class RouteTableTests
{
    private static readonly Guid Epoch = Guid.NewGuid();

    [Fact]
    public void Build_InstanceRemovedAndReAdded_OldCallsReleaseOnlyTheirOwnCount()
    {
        // Issue 9 item 3: in flight is counted per call. A call made before the instance left holds
        // the old load; the re-added instance starts from zero and is not released by old completions.
        var v1 = RouteTable.Build(Snapshot(1, "127.0.0.1:9001", "127.0.0.1:9002"), null);
        var oldEndpoint = v1.ById["127.0.0.1:9001"];
        oldEndpoint.Load.Started();
        oldEndpoint.Load.Started();

        var v2 = RouteTable.Build(Snapshot(2, "127.0.0.1:9002"), v1);
        var v3 = RouteTable.Build(Snapshot(3, "127.0.0.1:9001", "127.0.0.1:9002"), v2);
        var newEndpoint = v3.ById["127.0.0.1:9001"];
        newEndpoint.Load.Started();
        newEndpoint.Load.Started();

        oldEndpoint.Load.Ended();
        oldEndpoint.Load.Ended();

        Assert.Equal(2, newEndpoint.InFlight);
        Assert.Equal(0, oldEndpoint.InFlight);
    }

    [Fact]
    public void Build_InstanceKept_KeepsItsLoadAcrossSnapshots()
    {
        var v1 = RouteTable.Build(Snapshot(1, "127.0.0.1:9001"), null);
        v1.ById["127.0.0.1:9001"].Load.Started();

        var v2 = RouteTable.Build(Snapshot(2, "127.0.0.1:9001"), v1);

        Assert.Equal(1, v2.ById["127.0.0.1:9001"].InFlight);
    }

    [Fact]
    public void Build_UnmeasuredInstance_ScoresAsTheSlowestMeasuredOne()
    {
        var snapshot = Snapshot(1, "127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003");
        var instances = snapshot.Instances;
        snapshot = snapshot with
        {
            Instances = [instances[0] with { EwmaLatencyMs = 4, Measured = true }, instances[1] with { EwmaLatencyMs = 12, Measured = true }, instances[2] with { EwmaLatencyMs = 0, Measured = false }],
        };

        var table = RouteTable.Build(snapshot, null);

        Assert.Equal(0.012, table.ById["127.0.0.1:9003"].LatencySeconds, precision: 9);
    }

    [Fact]
    public void Build_GroupsInstancesByAvailability()
    {
        var snapshot = Snapshot(1, "127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003", "127.0.0.1:9004");
        var i = snapshot.Instances;
        snapshot = snapshot with
        {
            Instances = [i[0], i[1] with { Availability = InstanceAvailability.DrainingOnly }, i[2] with { Availability = InstanceAvailability.TrialOnly }, i[3] with { Availability = InstanceAvailability.Unavailable, Reason = "unhealthy" }],
        };

        var table = RouteTable.Build(snapshot, null);

        Assert.Equal(["127.0.0.1:9001"], table.Selectable.Select(e => e.InstanceId));
        Assert.Equal(["127.0.0.1:9002"], table.DrainingOnly.Select(e => e.InstanceId));
        Assert.Equal(["127.0.0.1:9003"], table.TrialOnly.Select(e => e.InstanceId));
        Assert.Equal(4, table.All.Length);
    }

    private static RoutingSnapshot Snapshot(long version, params string[] ids) => new(
        "data-service",
        Epoch,
        version,
        SelectionStatus.Selected,
        "health_aware",
        DateTimeOffset.UnixEpoch,
        [.. ids.Select(id => new RoutingInstance(id, "127.0.0.1", int.Parse(id[(id.IndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture), null, null, null, 1,
            InstanceAvailability.Selectable, null, CircuitState.Closed, HealthState.Healthy, 5, 0, 0, null, Measured: true))],
        null);
}
