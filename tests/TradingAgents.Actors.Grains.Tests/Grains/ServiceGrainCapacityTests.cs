using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Routing;
using TradingAgents.Actors.Tests.Infrastructure;
using static TradingAgents.Actors.Tests.Infrastructure.DiscoveryClusterFixture;

namespace TradingAgents.Actors.Tests.Grains;

/// <summary>The ejection cap and panic decision as the service grain applies them, with circuits opened by reported outcomes.</summary>
[Collection(DiscoveryClusterCollection.Name)]
public sealed class ServiceGrainCapacityTests(DiscoveryClusterFixture fixture)
{
    private IServiceGrain Grain(string service) => fixture.Client.GetGrain<IServiceGrain>(service);

    private IInstanceGrain Instance(string service, ServiceEndpoint endpoint) =>
        fixture.Client.GetGrain<IInstanceGrain>(InstanceKey.Format(service, endpoint.InstanceId));

    private async Task OpenCircuitAsync(string service, ServiceEndpoint endpoint, int failures)
    {
        await Outcomes.ReportAsync(Instance(service, endpoint), OutcomeKind.Failure, TimeSpan.FromMilliseconds(2), count: failures, reporter: $"capacity-{Guid.NewGuid():N}");
        await Eventually.MatchAsync(
            () => Grain(service).GetSnapshotAsync().AsTask(),
            s => s.Instances.Single(i => i.InstanceId == endpoint.InstanceId).Circuit == CircuitState.Open,
            $"the circuit of {endpoint.InstanceId} to open");
    }

    [Fact]
    public async Task OpenCircuits_BeyondMaxEjectionPercent_LeastBadStaysRoutable()
    {
        var endpoints = new[] { Ready(9301), Ready(9302), Ready(9303), Ready(9304) };
        await fixture.PublishAsync(CappedService, 1, endpoints);

        await OpenCircuitAsync(CappedService, endpoints[0], failures: 5);
        var one = await Grain(CappedService).GetSnapshotAsync();
        Assert.Equal((1, 1, 0), (one.EjectedInstances, one.EjectionLimit, one.CappedInstances));
        Assert.False(one.Instances[0].Selectable);

        // 25 % of 4 allows one ejection: the second open circuit with fewer failures than the first keeps it routable
        // instead, since it ranks as less bad (5 failures against 8).
        await OpenCircuitAsync(CappedService, endpoints[1], failures: 8);
        var two = await Grain(CappedService).GetSnapshotAsync();
        Assert.Equal((2, 1, 1), (two.EjectedInstances, two.EjectionLimit, two.CappedInstances));
        Assert.Equal(PanicState.None, two.Panic);
        Assert.True(two.Instances[0].Selectable);
        Assert.True(two.Instances[0].EjectionOverridden);
        Assert.False(two.Instances[1].Selectable);
        Assert.Equal(
            "ejection cap: 2 of 4 usable instance(s) failing (ejected: 2 circuit open), max_ejection_percent 25 % allows 1; the 1 least bad stay routable",
            two.PanicReason);

        var routing = await Grain(CappedService).GetRoutingSnapshotAsync();
        Assert.Equal(
            [InstanceAvailability.Selectable, InstanceAvailability.Unavailable, InstanceAvailability.Selectable, InstanceAvailability.Selectable],
            routing.Instances.Select(i => i.Availability));
        Assert.Equal(CircuitState.Open, routing.Instances[0].Circuit);

        // Round robin over the three routable instances, the capped one included.
        var picked = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            var selection = await Grain(CappedService).SelectAsync();
            Assert.True(selection.IsSelected, selection.Reason);
            picked.Add(selection.Endpoint.InstanceId);
        }

        Assert.Equal(0, picked.Count(id => id == endpoints[1].InstanceId));
        Assert.All(new[] { endpoints[0], endpoints[2], endpoints[3] }, e => Assert.Equal(10, picked.Count(id => id == e.InstanceId)));
    }

    [Fact]
    public async Task OpenCircuits_HealthyBelowPanicThreshold_RouteAllUntilACircuitCloses()
    {
        // Real backends: the health probes that run while the clock moves must pass, so only the breakers eject.
        await using var backendA = await TestBackend.StartAsync();
        await using var backendB = await TestBackend.StartAsync();
        await using var backendC = await TestBackend.StartAsync();
        var service = $"panic-{Guid.NewGuid():N}";
        var (a, b, c) = (Ready(backendA.Port), Ready(backendB.Port), Ready(backendC.Port));
        await fixture.PublishAsync(service, 1, a, b, c);

        await OpenCircuitAsync(service, a, failures: 5);
        Assert.Equal(PanicState.None, (await Grain(service).GetSnapshotAsync()).Panic);

        // 1 of 3 healthy is below the default panic threshold of 50 %: every instance takes traffic again.
        await OpenCircuitAsync(service, b, failures: 5);
        var panic = await Grain(service).GetSnapshotAsync();
        Assert.Equal(PanicState.RouteAll, panic.Panic);
        Assert.Equal(
            "panic: 1 of 3 usable instance(s) in service (ejected: 2 circuit open), below panic_threshold 50 %; routing to every instance that is not known dead (panic_mode route_all)",
            panic.PanicReason);
        Assert.All(panic.Instances, i => Assert.True(i.Selectable));
        var routing = await Grain(service).GetRoutingSnapshotAsync();
        Assert.Equal(PanicState.RouteAll, routing.Panic);
        Assert.Equal(panic.PanicReason, routing.PanicReason);

        // After the recovery timeout the circuits are half-open: their trial calls go first, and a success ends the panic.
        await fixture.AdvanceAsync(TimeSpan.FromSeconds(30));
        await Eventually.MatchAsync(
            () => Grain(service).GetRoutingSnapshotAsync().AsTask(),
            s => s.Instances.Count(i => i.Availability == InstanceAvailability.TrialOnly) == 2,
            "both circuits to be half-open with trial calls");
        var trial = await Grain(service).SelectAsync();
        Assert.True(trial.Endpoint!.IsTrial);
        await Outcomes.ReportAsync(Instance(service, trial.Endpoint.InstanceId == a.InstanceId ? a : b), OutcomeKind.Success, TimeSpan.Zero,
            trial.Endpoint.Generation, trial.Endpoint.TrialLeaseId);
        var over = await Eventually.MatchAsync(
            () => Grain(service).GetSnapshotAsync().AsTask(),
            s => s.Panic == PanicState.None,
            "the panic to end");
        Assert.Null(over.PanicReason);
    }

    [Fact]
    public async Task OpenCircuits_FailFastPanic_SelectionFailsWithThePanicReason()
    {
        var (a, b) = (Ready(9321), Ready(9322));
        await fixture.PublishAsync(FailFastService, 1, a, b);

        await OpenCircuitAsync(FailFastService, a, failures: 5);
        Assert.True((await Grain(FailFastService).SelectAsync()).IsSelected);

        await OpenCircuitAsync(FailFastService, b, failures: 5);
        var selection = await Grain(FailFastService).SelectAsync();

        Assert.Equal(SelectionStatus.NoneSelectable, selection.Status);
        Assert.Equal(
            "Service 'failfast-service' fails fast: panic: 0 of 2 usable instance(s) in service (ejected: 2 circuit open), below panic_threshold 50 %; failing fast (panic_mode fail_fast).",
            selection.Reason);
        Assert.Equal(PanicState.FailFast, (await Grain(FailFastService).GetRoutingSnapshotAsync()).Panic);
    }
}
