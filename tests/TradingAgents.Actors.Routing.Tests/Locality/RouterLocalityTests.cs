using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Tests.Locality;

/// <summary>Issue 12.4: a router prefers its node, then its zone, and spills to every zone when the local set lacks selectable capacity.</summary>
public sealed class RouterLocalityTests : IDisposable
{
    private static readonly Guid Epoch = Guid.NewGuid();

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero));
    private readonly TestMeterFactory _meters = new();
    private ZoneAffinityOptions _affinity = new();

    public void Dispose() => _meters.Dispose();

    [Fact]
    public void TryPick_NodeAndZoneKnown_PrefersTheNodeThenTheZone()
    {
        using var router = Router(new RouteLocality("zone-a", "node-1"));
        router.Apply(Snapshot(1, ("a1", "zone-a", "node-1", true), ("a2", "zone-a", "node-2", true), ("b1", "zone-b", "node-3", true), ("b2", "zone-b", "node-4", true)));

        Assert.Equal(["a1"], Picks(router, 12).Distinct());
        Assert.Equal(LocalityTier.Node, router.LocalityDecision.Tier);

        // The node's only instance leaves: the zone's other instance (1 of 2 selectable = the 50% default) takes it all.
        router.Apply(Snapshot(2, ("a1", "zone-a", "node-1", false), ("a2", "zone-a", "node-2", true), ("b1", "zone-b", "node-3", true), ("b2", "zone-b", "node-4", true)));

        Assert.Equal(["a2"], Picks(router, 12).Distinct());
        Assert.Equal(LocalityTier.Zone, router.LocalityDecision.Tier);
    }

    [Fact]
    public void TryPick_ZoneBelowMinHealthyShare_SpillsToEveryZoneAndComesBack()
    {
        _affinity = new ZoneAffinityOptions { MinHealthyShare = 0.75 };
        using var router = Router(new RouteLocality("zone-a", null));
        router.Apply(Snapshot(1, ("a1", "zone-a", null, true), ("a2", "zone-a", null, true), ("b1", "zone-b", null, true), ("b2", "zone-b", null, true)));
        Assert.Equal(["a1", "a2"], Picks(router, 20).Distinct().Order(StringComparer.Ordinal));

        // One of zone-a's two instances is out: 50% < 75%, so one zone's trouble does not pin all traffic to a2.
        router.Apply(Snapshot(2, ("a1", "zone-a", null, false), ("a2", "zone-a", null, true), ("b1", "zone-b", null, true), ("b2", "zone-b", null, true)));
        var spilled = Picks(router, 30);
        Assert.Equal(["a2", "b1", "b2"], spilled.Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(10, spilled.Count(p => p == "a2"));
        var (tier, reason) = router.LocalityDecision;
        Assert.Equal(LocalityTier.All, tier);
        Assert.Equal("zone zone-a has only 1 of 2 selectable (needs 75% and 1): spilled to every zone", reason);

        router.Apply(Snapshot(3, ("a1", "zone-a", null, true), ("a2", "zone-a", null, true), ("b1", "zone-b", null, true), ("b2", "zone-b", null, true)));
        Assert.Equal(["a1", "a2"], Picks(router, 20).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(LocalityTier.Zone, router.LocalityDecision.Tier);
    }

    [Fact]
    public void TryPick_ZoneSmallerThanMinInstances_UsesEveryZone()
    {
        _affinity = new ZoneAffinityOptions { MinInstances = 2 };
        using var router = Router(new RouteLocality("zone-a", null));
        router.Apply(Snapshot(1, ("a1", "zone-a", null, true), ("b1", "zone-b", null, true), ("b2", "zone-b", null, true)));

        Assert.Equal(["a1", "b1", "b2"], Picks(router, 9).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(LocalityTier.All, router.LocalityDecision.Tier);
    }

    [Fact]
    public void TryPick_ZoneInstancesAlreadyTried_RetriesInAnotherZone()
    {
        using var router = Router(new RouteLocality("zone-a", null));
        router.Apply(Snapshot(1, ("a1", "zone-a", null, true), ("a2", "zone-a", null, true), ("b1", "zone-b", null, true)));

        Assert.True(router.TryPick(["a1", "a2"], null, out var call, out _));

        Assert.Equal("b1", call.InstanceId);
    }

    [Fact]
    public void TryPick_AffinityOff_UsesEveryZone()
    {
        _affinity = new ZoneAffinityOptions { Enabled = false };
        using var router = Router(new RouteLocality("zone-a", "node-1"));
        router.Apply(Snapshot(1, ("a1", "zone-a", "node-1", true), ("b1", "zone-b", null, true)));

        Assert.Equal(["a1", "b1"], Picks(router, 4).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal("zone affinity is off (zone_affinity.enabled)", router.LocalityDecision.Reason);
    }

    [Fact]
    public void Apply_NodeKnownZoneNot_LearnsTheZoneOfAnInstanceOnTheNode()
    {
        var locality = new RouteLocality(null, "node-2");
        using var router = Router(locality);

        router.Apply(Snapshot(1, ("a1", "zone-a", "node-1", true), ("b1", "zone-b", "node-2", true), ("b2", "zone-b", "node-3", true)));

        Assert.Equal("zone-b", locality.Zone);
        Assert.Equal("node", locality.ZoneSource);
        Assert.Equal(["b1"], Picks(router, 6).Distinct());
    }

    [Fact]
    public void RecentPicksByZone_CoversTheLastMinuteOnly()
    {
        using var router = Router(new RouteLocality("zone-a", null));
        router.Apply(Snapshot(1, ("a1", "zone-a", null, true), ("b1", "zone-b", null, true)));
        router.ZoneTraffic.Sample(router.Table);
        Picks(router, 10);
        _time.Advance(TimeSpan.FromSeconds(1));
        router.ZoneTraffic.Sample(router.Table);

        _time.Advance(TimeSpan.FromSeconds(29));
        var (recent, covered) = router.RecentPicksByZone;
        Assert.Equal(10, recent["zone-a"]);
        Assert.Equal(0, recent["zone-b"]);
        Assert.Equal(TimeSpan.FromSeconds(30), covered);

        _time.Advance(TimeSpan.FromSeconds(32));
        router.ZoneTraffic.Sample(router.Table);
        Assert.Equal(0, router.RecentPicksByZone.Picks["zone-a"]);
        Assert.Equal(10, router.PicksByZone["zone-a"]);
    }

    private List<string> Picks(ServiceRouter router, int count)
    {
        var picked = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            Assert.True(router.TryPick(null, null, out var call, out var failure), failure.Reason);
            picked.Add(call.InstanceId);
        }

        return picked;
    }

    private ServiceRouter Router(RouteLocality locality) => new(
        "data-service",
        grainFactory: null!,
        new RouterOptions(),
        () => 5,
        () => TimeSpan.FromSeconds(60),
        _time,
        new RouterInstruments(_meters, () => []),
        pickObserver: null,
        forgotten: null,
        NullLogger.Instance,
        retryBudget: null,
        locality,
        () => _affinity);

    private static RoutingSnapshot Snapshot(long version, params (string Id, string? Zone, string? Node, bool Selectable)[] instances) => new(
        "data-service",
        Epoch,
        version,
        SelectionStatus.Selected,
        "round_robin",
        DateTimeOffset.UnixEpoch,
        [.. instances.Select(i => new RoutingInstance(i.Id, "127.0.0.1", 80, i.Zone, i.Node, null, 1,
            i.Selectable ? InstanceAvailability.Selectable : InstanceAvailability.Unavailable, i.Selectable ? null : "circuit open",
            i.Selectable ? CircuitState.Closed : CircuitState.Open, HealthState.Healthy, 1, 0, 0, null, Measured: true))],
        null);

    private sealed class TestMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }
}
