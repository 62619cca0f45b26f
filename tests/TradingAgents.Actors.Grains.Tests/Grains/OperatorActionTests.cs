using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Routing;
using TradingAgents.Actors.Tests.Infrastructure;
using static TradingAgents.Actors.Tests.Infrastructure.DiscoveryClusterFixture;

namespace TradingAgents.Actors.Tests.Grains;

/// <summary>Issue 12 item 5: eject, drain, pin and restore an instance fleet-wide, with its history.</summary>
[Collection(DiscoveryClusterCollection.Name)]
public sealed class OperatorActionTests(DiscoveryClusterFixture fixture)
{
    private static string NewService() => $"ops-{Guid.NewGuid():N}";

    private async Task<(string Service, IInstanceGrain Grain, ServiceEndpoint Endpoint)> TwoInstancesAsync(int port)
    {
        var service = NewService();
        var endpoint = Ready(port);
        await fixture.PublishAsync(service, 1, endpoint, Ready(port + 1));
        var grain = fixture.Client.GetGrain<IInstanceGrain>(InstanceKey.Format(service, endpoint.InstanceId));
        await grain.ConfigureAsync(endpoint);
        await RoutedAsync(service, endpoint.InstanceId, i => i.Availability == InstanceAvailability.Selectable, "the instance to be selectable");
        return (service, grain, endpoint);
    }

    private Task<RoutingInstance> RoutedAsync(string service, string instanceId, Func<RoutingInstance, bool> condition, string what) =>
        Eventually.MatchAsync(
            async () => (await fixture.Client.GetGrain<IServiceGrain>(service).GetRoutingSnapshotAsync()).Instances.Single(i => i.InstanceId == instanceId),
            condition,
            what);

    [Fact]
    public async Task Eject_ThenRestore_TheServiceGrainRoutesAroundItAndTheHistorySaysWhoWhenWhy()
    {
        var (service, grain, endpoint) = await TwoInstancesAsync(9401);
        var at = fixture.Time.GetUtcNow();

        var ejected = await grain.ApplyOperatorActionAsync(new OperatorActionRequest(OperatorAction.Eject, "alice", "bad deploy 4.2.1"));

        Assert.Equal(new InstanceOverride(OperatorAction.Eject, "alice", at, "bad deploy 4.2.1"), ejected.Status.Override);
        Assert.Equal(new InstanceTransition(at, "operator eject", "bad deploy 4.2.1", "alice"), ejected.History[^1]);
        var routed = await RoutedAsync(service, endpoint.InstanceId, i => i.Availability == InstanceAvailability.Unavailable, "the ejection to reach the service grain");
        Assert.Equal("ejected by alice: bad deploy 4.2.1", routed.Reason);
        var snapshot = await fixture.Client.GetGrain<IServiceGrain>(service).GetSnapshotAsync();
        Assert.Equal("alice", snapshot.Instances.Single(i => i.InstanceId == endpoint.InstanceId).Override?.By);
        for (var i = 0; i < 20; i++)
        {
            var selection = await fixture.Client.GetGrain<IServiceGrain>(service).SelectAsync(new SelectionRequest(Inspect: true));
            Assert.NotEqual(endpoint.InstanceId, selection.Endpoint?.InstanceId);
        }

        var restored = await grain.ApplyOperatorActionAsync(new OperatorActionRequest(OperatorAction.Restore, "bob", "4.2.2 deployed"));

        Assert.Null(restored.Status.Override);
        Assert.Equal("operator restore (was ejected by alice: bad deploy 4.2.1)", restored.History[^1].What);
        Assert.Equal("bob", restored.History[^1].By);
        await RoutedAsync(service, endpoint.InstanceId, i => i.Availability == InstanceAvailability.Selectable, "the restore to reach the service grain");
    }

    [Fact]
    public async Task Pin_OpenCircuit_KeepsTheInstanceSelectableWhileTheBreakerStillShowsOpen()
    {
        var (service, grain, endpoint) = await TwoInstancesAsync(9403);
        for (var i = 0; i < 5; i++)
        {
            await Outcomes.ReportAsync(grain, OutcomeKind.Failure, TimeSpan.FromMilliseconds(3), error: "HTTP 500");
        }

        await RoutedAsync(service, endpoint.InstanceId, i => i.Reason == "circuit open", "the circuit to open");
        Assert.Equal("circuit breaker", (await grain.GetDetailsAsync()).History[^1].By);

        await grain.ApplyOperatorActionAsync(new OperatorActionRequest(OperatorAction.Pin, "carol", "health endpoint bug, traffic is fine"));

        var pinned = await RoutedAsync(service, endpoint.InstanceId, i => i.Availability == InstanceAvailability.Selectable, "the pin to reach the service grain");
        Assert.Equal(CircuitState.Open, pinned.Circuit);

        await grain.ApplyOperatorActionAsync(new OperatorActionRequest(OperatorAction.Restore, "carol", "bug fixed"));
        var restored = await RoutedAsync(service, endpoint.InstanceId, i => i.Availability != InstanceAvailability.Selectable, "the restore to reach the service grain");
        Assert.Equal("circuit open", restored.Reason);
    }

    [Fact]
    public async Task Drain_TheInstanceTakesTrafficOnlyWhenNothingElseIsLeft()
    {
        var (service, grain, endpoint) = await TwoInstancesAsync(9405);

        await grain.ApplyOperatorActionAsync(new OperatorActionRequest(OperatorAction.Drain, "dave", "node maintenance"));

        var drained = await RoutedAsync(service, endpoint.InstanceId, i => i.Availability == InstanceAvailability.DrainingOnly, "the drain to reach the service grain");
        Assert.Equal("drained by dave: node maintenance (used only when nothing else is left)", drained.Reason);
        for (var i = 0; i < 20; i++)
        {
            var selection = await fixture.Client.GetGrain<IServiceGrain>(service).SelectAsync(new SelectionRequest(Inspect: true));
            Assert.Equal(SelectionStatus.Selected, selection.Status);
            Assert.NotEqual(endpoint.InstanceId, selection.Endpoint?.InstanceId);
        }
    }

    [Fact]
    public async Task Override_NewActivation_ReadsTheOverrideAndTheHistoryBack()
    {
        var (service, grain, endpoint) = await TwoInstancesAsync(9407);
        var at = fixture.Time.GetUtcNow();
        await grain.ApplyOperatorActionAsync(new OperatorActionRequest(OperatorAction.Eject, "erin", "disk full"));
        var before = await grain.GetDetailsAsync();

        await fixture.DeactivateAsync(grain);

        var after = await grain.GetDetailsAsync();
        Assert.NotEqual(before.Status.Incarnation, after.Status.Incarnation);
        Assert.Equal(new InstanceOverride(OperatorAction.Eject, "erin", at, "disk full"), after.Status.Override);
        Assert.Equal(before.History, after.History);

        // The new activation pushes it: the service grain keeps the instance out.
        await grain.ConfigureAsync(endpoint);
        var routed = await RoutedAsync(service, endpoint.InstanceId, i => i.Availability == InstanceAvailability.Unavailable, "the restored ejection to reach the service grain");
        Assert.Equal("ejected by erin: disk full", routed.Reason);
    }

    [Theory]
    [InlineData("", "alice", "reason")]
    [InlineData("  ", "alice", "reason")]
    [InlineData("why", "", "operator's name")]
    public async Task ApplyOperatorActionAsync_MissingReasonOrName_IsRefusedAndChangesNothing(string reason, string by, string named)
    {
        var (_, grain, _) = await TwoInstancesAsync(9409);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => grain.ApplyOperatorActionAsync(new OperatorActionRequest(OperatorAction.Eject, by, reason)).AsTask());

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        var details = await grain.GetDetailsAsync();
        Assert.Null(details.Status.Override);
        Assert.DoesNotContain(details.History, h => h.What.StartsWith("operator", StringComparison.Ordinal));
    }

    [Fact]
    public async Task History_AutomaticTransitions_NameWhatMadeThem()
    {
        var (_, grain, _) = await TwoInstancesAsync(9411);

        await Outcomes.ReportAsync(grain, OutcomeKind.Backpressure, TimeSpan.FromMilliseconds(2), retryAfter: TimeSpan.FromSeconds(7), error: "HTTP 429");

        var last = (await grain.GetDetailsAsync()).History[^1];
        Assert.Equal("backpressure", last.What);
        Assert.Equal("backpressure", last.By);
        Assert.StartsWith("HTTP 429 asked for no traffic until ", last.Reason, StringComparison.Ordinal);
    }
}
