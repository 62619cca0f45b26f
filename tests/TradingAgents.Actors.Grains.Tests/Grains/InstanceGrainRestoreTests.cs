using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Routing;
using TradingAgents.Actors.Tests.Infrastructure;
using static TradingAgents.Actors.Tests.Infrastructure.DiscoveryClusterFixture;

namespace TradingAgents.Actors.Tests.Grains;

/// <summary>
/// What a re-activated instance grain does with no caller at all: in this cluster service grains never
/// refresh their instance grains, so nothing but the instance grain itself can move its state.
/// </summary>
[Collection(QuietRefreshClusterCollection.Name)]
public sealed class InstanceGrainRestoreTests(QuietRefreshClusterFixture fixture)
{
    [Fact]
    public async Task Persistence_RestoredOpenCircuitNobodyCalls_TurnsHalfOpenOnTimeAndTellsTheServiceGrain()
    {
        // Found by the SIGKILL test (BreakerPersistenceTests): a re-activated grain holding an open circuit
        // gets no traffic (routers avoid it) and no configuration until the service grain's next refresh
        // (cache_ttl, an hour here), so it must end the open period by its own timer and push the change.
        await using var backend = await TestBackend.StartAsync();
        var service = $"restore-{Guid.NewGuid():N}";
        var endpoint = Ready(backend.Port);
        await fixture.PublishAsync(service, 1, endpoint);
        var grain = fixture.Client.GetGrain<IInstanceGrain>(InstanceKey.Format(service, endpoint.InstanceId));
        await Outcomes.ReportAsync(grain, OutcomeKind.Failure, TimeSpan.FromMilliseconds(3), count: 5, reporter: $"restore-{Guid.NewGuid():N}");
        var opened = await grain.GetDetailsAsync();
        Assert.Equal(CircuitState.Open, opened.Status.Circuit);
        var serviceGrain = fixture.Client.GetGrain<IServiceGrain>(service);
        await Eventually.MatchAsync(
            () => serviceGrain.GetRoutingSnapshotAsync().AsTask(),
            s => s.Instances.Single(i => i.InstanceId == endpoint.InstanceId).Circuit == CircuitState.Open,
            "the service grain to see the circuit open");

        await fixture.DeactivateAsync(grain);

        // Re-activated by one call (as a router's late report or the status page would), then left alone.
        Assert.NotEqual(opened.Status.Incarnation, (await grain.GetDetailsAsync()).Status.Incarnation);
        await fixture.AdvanceAsync(opened.OpenUntil!.Value - fixture.Time.GetUtcNow());

        var seen = await Eventually.MatchAsync(
            () => serviceGrain.GetRoutingSnapshotAsync().AsTask(),
            s => s.Instances.Single(i => i.InstanceId == endpoint.InstanceId).Circuit == CircuitState.HalfOpen,
            "the restored grain's own timer to end the open period and push it");
        Assert.Equal(InstanceAvailability.TrialOnly, seen.Instances.Single(i => i.InstanceId == endpoint.InstanceId).Availability);
    }
}
