using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Routing;
using TradingAgents.Actors.Tests.Infrastructure;
using static TradingAgents.Actors.Tests.Infrastructure.DiscoveryClusterFixture;

namespace TradingAgents.Actors.Tests.Grains;

/// <summary>Slow start as the grains decide it: the instance grain starts each ramp, the service grain publishes it.</summary>
[Collection(DiscoveryClusterCollection.Name)]
public sealed class SlowStartGrainTests(DiscoveryClusterFixture fixture)
{
    private IServiceGrain Grain(string service) => fixture.Client.GetGrain<IServiceGrain>(service);

    private IInstanceGrain Instance(string service, ServiceEndpoint endpoint) =>
        fixture.Client.GetGrain<IInstanceGrain>(InstanceKey.Format(service, endpoint.InstanceId));

    [Fact]
    public async Task NewInstances_RampFromWhenTheyAppeared_LaterOnesOnTheirOwnRamp()
    {
        await using var backendA = await TestBackend.StartAsync();
        await using var backendB = await TestBackend.StartAsync();
        var (a, b) = (Ready(backendA.Port), Ready(backendB.Port));
        var first = fixture.Time.GetUtcNow();
        await fixture.PublishAsync(SlowStartService, 1, a);

        var one = await Grain(SlowStartService).GetRoutingSnapshotAsync();
        var rampA = Assert.Single(one.Instances).SlowStart;
        Assert.Equal(new SlowStartRamp(first, TimeSpan.FromSeconds(60), 1.0, 10), rampA);

        await fixture.AdvanceAsync(TimeSpan.FromSeconds(20));
        var second = fixture.Time.GetUtcNow();
        await fixture.PublishAsync(SlowStartService, 2, a, b);

        var two = await Grain(SlowStartService).GetRoutingSnapshotAsync();
        Assert.Equal(first, two.Instances.Single(i => i.InstanceId == a.InstanceId).SlowStart!.Since);
        Assert.Equal(second, two.Instances.Single(i => i.InstanceId == b.InstanceId).SlowStart!.Since);
        var snapshot = await Grain(SlowStartService).GetSnapshotAsync();
        Assert.Equal(33.3, snapshot.Instances.Single(i => i.InstanceId == a.InstanceId).SlowStartPercent);
        Assert.Equal(10.0, snapshot.Instances.Single(i => i.InstanceId == b.InstanceId).SlowStartPercent);

        // Once a's window is over the service grain stops publishing its ramp (b's has 20 s left).
        await fixture.AdvanceAsync(TimeSpan.FromSeconds(41));
        await fixture.PublishAsync(SlowStartService, 3, a, b, Ready(9399));
        var three = await Grain(SlowStartService).GetRoutingSnapshotAsync();
        Assert.Null(three.Instances.Single(i => i.InstanceId == a.InstanceId).SlowStart);
        Assert.Equal(second, three.Instances.Single(i => i.InstanceId == b.InstanceId).SlowStart!.Since);
    }

    [Fact]
    public async Task CircuitClosesAfterBeingOpen_RampStartsAgainAtTheClose()
    {
        await using var backendA = await TestBackend.StartAsync();
        await using var backendB = await TestBackend.StartAsync();
        var service = SlowStartBreakerService;
        var (a, b) = (Ready(backendA.Port), Ready(backendB.Port));
        await fixture.PublishAsync(service, 1, a, b);
        await fixture.AdvanceAsync(TimeSpan.FromSeconds(61));

        await Outcomes.ReportAsync(Instance(service, a), OutcomeKind.Failure, TimeSpan.FromMilliseconds(2), count: 5, reporter: $"ramp-{Guid.NewGuid():N}",
            generation: (await Instance(service, a).GetDetailsAsync()).Status.BreakerGeneration);
        await fixture.AdvanceAsync(TimeSpan.FromSeconds(30));
        await Eventually.MatchAsync(
            () => Instance(service, a).GetDetailsAsync().AsTask(),
            d => d.Status.Circuit == CircuitState.HalfOpen,
            "the circuit to become half-open");
        var grant = await Instance(service, a).AcquireTrialLeasesAsync("ramp-test", 1);
        var closedAt = fixture.Time.GetUtcNow();
        await Outcomes.ReportAsync(Instance(service, a), OutcomeKind.Success, TimeSpan.Zero, grant.Generation, grant.LeaseIds[0]);

        var details = await Instance(service, a).GetDetailsAsync();
        Assert.Equal(CircuitState.Closed, details.Status.Circuit);
        Assert.Equal(closedAt, details.Status.RampStartedAt);
        var routing = await Eventually.MatchAsync(
            () => Grain(service).GetRoutingSnapshotAsync().AsTask(),
            s => s.Instances.Single(i => i.InstanceId == a.InstanceId).SlowStart?.Since == closedAt,
            "the service grain to publish the new ramp");
        Assert.Null(routing.Instances.Single(i => i.InstanceId == b.InstanceId).SlowStart);
    }
}
