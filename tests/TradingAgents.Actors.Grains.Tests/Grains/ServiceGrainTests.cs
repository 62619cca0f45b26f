using System.Net;
using Microsoft.Extensions.Logging;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Routing;
using TradingAgents.Actors.Tests.Infrastructure;
using static TradingAgents.Actors.Tests.Infrastructure.DiscoveryClusterFixture;

namespace TradingAgents.Actors.Tests.Grains;

[Collection(DiscoveryClusterCollection.Name)]
public sealed class ServiceGrainTests(DiscoveryClusterFixture fixture)
{
    private static string NewService(string prefix = "svc") => $"{prefix}-{Guid.NewGuid():N}";

    private IServiceGrain Grain(string service) => fixture.Client.GetGrain<IServiceGrain>(service);

    private IInstanceGrain Instance(string service, ServiceEndpoint endpoint) =>
        fixture.Client.GetGrain<IInstanceGrain>(InstanceKey.Format(service, endpoint.InstanceId));

    /// <summary>
    /// The service grain's snapshot once it shows <paramref name="condition"/>: instance grains tell it of
    /// their changes one-way, so a test that has just reported an outcome may ask before it has heard.
    /// </summary>
    private Task<ServiceSnapshot> SnapshotWhenAsync(string service, Func<ServiceSnapshot, bool> condition, string what) =>
        Eventually.MatchAsync(() => Grain(service).GetSnapshotAsync().AsTask(), condition, what);

    /// <summary>
    /// A new service over <paramref name="first"/> and <paramref name="second"/> (real backends, so probes pass)
    /// whose first instance's circuit opened after five failures and is half-open now, as the service grain sees it.
    /// </summary>
    private async Task<(string Service, ServiceEndpoint A, ServiceEndpoint B)> HalfOpenFirstOfTwoAsync(TestBackend first, TestBackend second)
    {
        var service = NewService();
        var (a, b) = (Ready(first.Port), Ready(second.Port));
        await fixture.PublishAsync(service, 1, a, b);
        for (var i = 0; i < 5; i++)
        {
            await Outcomes.ReportAsync(Instance(service, a), OutcomeKind.Failure, TimeSpan.FromMilliseconds(3), error: "reset");
        }

        await fixture.AdvanceAsync(TimeSpan.FromSeconds(30));
        await SnapshotWhenAsync(service, s => s.Instances.Single(i => i.InstanceId == a.InstanceId).Circuit == CircuitState.HalfOpen, "the circuit to become half-open");
        return (service, a, b);
    }

    private async Task<List<string>> SelectManyAsync(string service, int count)
    {
        var picked = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var selection = await Grain(service).SelectAsync();
            Assert.True(selection.IsSelected, selection.Reason);
            picked.Add(selection.Endpoint.InstanceId);
        }

        return picked;
    }

    [Fact]
    public async Task SelectAsync_ConfiguredRoundRobinInstances_EachSelectedInTurn()
    {
        var endpoints = new[] { Ready(9101), Ready(9102), Ready(9103) };
        await fixture.PublishAsync(RoundRobinService, 1, endpoints);

        var picked = await SelectManyAsync(RoundRobinService, 30);

        Assert.All(Ids(endpoints), id => Assert.Equal(10, picked.Count(p => p == id)));
        for (var i = 3; i < picked.Count; i++)
        {
            Assert.Equal(picked[i - 3], picked[i]);
        }
    }

    [Fact]
    public async Task SelectAsync_UnknownService_ReturnsUnknownAndLeavesNoActivation()
    {
        var service = NewService("never-configured");

        var selection = await Grain(service).SelectAsync();

        Assert.Equal(SelectionStatus.UnknownService, selection.Status);
        Assert.Null(selection.Endpoint);
        Assert.Contains(service, selection.Reason, StringComparison.Ordinal);
        await fixture.DeactivatedAsync(Grain(service), "the unknown service's activation to go away");
    }

    [Fact]
    public async Task SelectAsync_ConfiguredServiceWithoutEndpoints_ReturnsNoEndpoints()
    {
        var selection = await Grain("configured-empty").SelectAsync();

        Assert.Equal(SelectionStatus.NoEndpoints, selection.Status);
        Assert.Equal("Service 'configured-empty' is known but no source lists any endpoint for it.", selection.Reason);
    }

    [Fact]
    public async Task SelectAsync_OnlyNotReadyEndpoints_ReturnsNoneSelectable()
    {
        var service = NewService();
        var notReady = new ServiceEndpoint("127.0.0.1", 9111, new EndpointConditions(Ready: false, Serving: false, Terminating: false));
        await fixture.PublishAsync(service, 1, notReady);

        var selection = await Grain(service).SelectAsync();

        Assert.Equal(SelectionStatus.NoneSelectable, selection.Status);
        Assert.StartsWith($"Service '{service}' has 1 endpoint(s) and none is selectable: 1 not ready", selection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SelectAsync_DrainingEndpoint_UsedOnlyWhenNothingElseIsLeft()
    {
        var service = NewService();
        var ready = Ready(9121);
        var draining = new ServiceEndpoint("127.0.0.1", 9122, EndpointConditions.Draining);
        await fixture.PublishAsync(service, 1, ready, draining);

        Assert.All(await SelectManyAsync(service, 10), id => Assert.Equal(ready.InstanceId, id));

        for (var i = 0; i < 5; i++)
        {
            await Outcomes.ReportAsync(Instance(service, ready), OutcomeKind.Failure, TimeSpan.FromMilliseconds(5), error: "HTTP 503");
        }

        await SnapshotWhenAsync(service, s => s.Instances.Single(i => i.InstanceId == ready.InstanceId).Circuit == CircuitState.Open, "the open circuit to reach the service grain");
        Assert.All(await SelectManyAsync(service, 10), id => Assert.Equal(draining.InstanceId, id));
    }

    [Fact]
    public async Task ApplyEndpointsAsync_RemovedEndpoint_IsNeverReturnedEvenAfterALateDuplicate()
    {
        var service = NewService();
        var (a, b, c) = (Ready(9131), Ready(9132), Ready(9133));
        var grain = Grain(service);
        var now = fixture.Time.GetUtcNow();

        Assert.Equal(ApplyResult.Applied, await grain.ApplyEndpointsAsync(new("test", 1, [a, b, c], now)));
        Assert.Equal(ApplyResult.Applied, await grain.ApplyEndpointsAsync(new("test", 2, [a, c], now)));
        Assert.Equal(ApplyResult.Stale, await grain.ApplyEndpointsAsync(new("test", 1, [a, b, c], now)));
        Assert.Equal(ApplyResult.AlreadyCurrent, await grain.ApplyEndpointsAsync(new("test", 2, [a, c], now)));

        var picked = await SelectManyAsync(service, 40);
        Assert.DoesNotContain(b.InstanceId, picked);
        Assert.Contains(a.InstanceId, picked);
        Assert.Contains(c.InstanceId, picked);
        var snapshot = await grain.GetSnapshotAsync();
        Assert.Equal([a.InstanceId, c.InstanceId], snapshot.Instances.Select(i => i.InstanceId));
    }

    [Fact]
    public async Task ApplyEndpointsAsync_TwoSources_AreUnitedAndDeduplicated()
    {
        var service = NewService();
        var grain = Grain(service);
        var now = fixture.Time.GetUtcNow();
        var shared = Ready(9141);

        await grain.ApplyEndpointsAsync(new("configuration", 1, [shared, Ready(9142)], now));
        await grain.ApplyEndpointsAsync(new("kubernetes", 7, [shared, Ready(9143)], now));

        var snapshot = await grain.GetSnapshotAsync();
        Assert.Equal(3, snapshot.Instances.Count);
        Assert.Equal(["configuration", "kubernetes"], snapshot.Instances.Single(i => i.InstanceId == shared.InstanceId).Sources);
        Assert.Equal(["configuration", "kubernetes"], snapshot.Sources.Select(s => s.Source));
        Assert.Equal(7, snapshot.Sources[1].Version);
    }

    [Fact]
    public async Task ApplyEndpointsAsync_SameVersionLater_MovesOnlyTheSyncTime()
    {
        var service = NewService();
        var grain = Grain(service);
        var first = fixture.Time.GetUtcNow();
        await grain.ApplyEndpointsAsync(new("kubernetes", 5, [Ready(9151)], first));

        var result = await grain.ApplyEndpointsAsync(new("kubernetes", 5, [Ready(9151)], first.AddSeconds(42)));

        Assert.Equal(ApplyResult.AlreadyCurrent, result);
        var source = Assert.Single((await grain.GetSnapshotAsync()).Sources);
        Assert.Equal(first.AddSeconds(42), source.LastSyncedAt);
    }

    [Fact]
    public async Task SelectAsync_ExcludedInstance_ChoosesAnotherUntilNoneIsLeft()
    {
        var service = NewService();
        var (a, b) = (Ready(9161), Ready(9162));
        await fixture.PublishAsync(service, 1, a, b);

        var first = await Grain(service).SelectAsync(SelectionRequest.Excluding([a.InstanceId]));
        var none = await Grain(service).SelectAsync(SelectionRequest.Excluding([a.InstanceId, b.InstanceId]));

        Assert.Equal(b.InstanceId, first.Endpoint?.InstanceId);
        Assert.Equal(SelectionStatus.NoneSelectable, none.Status);
        Assert.Contains("2 already tried", none.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SelectAsync_PreferredZone_StaysInZoneWhileItHasCandidates()
    {
        var service = NewService();
        var (east, west) = (Ready(9171, zone: "east"), Ready(9172, zone: "west"));
        await fixture.PublishAsync(service, 1, east, west);

        for (var i = 0; i < 10; i++)
        {
            var selection = await Grain(service).SelectAsync(new SelectionRequest(PreferredZone: "west"));
            Assert.Equal(west.InstanceId, selection.Endpoint?.InstanceId);
        }

        var elsewhere = await Grain(service).SelectAsync(new SelectionRequest(PreferredZone: "north"));
        Assert.True(elsewhere.IsSelected);
    }

    [Fact]
    public async Task ReportOutcomeAsync_FiveFailures_OpenCircuitUntilATrialSucceeds()
    {
        await using var backendA = await TestBackend.StartAsync();
        await using var backendB = await TestBackend.StartAsync();
        var service = NewService();
        var (a, b) = (Ready(backendA.Port), Ready(backendB.Port));
        await fixture.PublishAsync(service, 1, a, b);

        for (var i = 0; i < 4; i++)
        {
            await Outcomes.ReportAsync(Instance(service, a), OutcomeKind.Failure, TimeSpan.FromMilliseconds(3), error: "HTTP 500");
        }

        // The instance grain answers in order with the reports; the service grain hears of changes one-way.
        var afterFour = (await Instance(service, a).GetDetailsAsync()).Status;
        Assert.Equal((CircuitState.Closed, 4), (afterFour.Circuit, afterFour.ConsecutiveFailures));
        await Outcomes.ReportAsync(Instance(service, a), OutcomeKind.Failure, TimeSpan.FromMilliseconds(3), error: "HTTP 500");

        var opened = (await SnapshotWhenAsync(service, s => s.Instances.Single(i => i.InstanceId == a.InstanceId).Circuit != CircuitState.Closed, "the circuit's change to reach the service grain"))
            .Instances.Single(i => i.InstanceId == a.InstanceId);
        Assert.Equal(CircuitState.Open, opened.Circuit);
        Assert.False(opened.Selectable);
        Assert.Equal("circuit open", opened.NotSelectableReason);
        Assert.All(await SelectManyAsync(service, 20), id => Assert.Equal(b.InstanceId, id));

        await fixture.AdvanceAsync(TimeSpan.FromSeconds(30));
        await Eventually.MatchAsync(
            () => Grain(service).GetSnapshotAsync().AsTask(),
            s => s.Instances.Single(i => i.InstanceId == a.InstanceId).Circuit == CircuitState.HalfOpen,
            "the circuit to become half-open");

        var trial = await Grain(service).SelectAsync();
        Assert.True(trial.IsSelected);
        Assert.Equal(a.InstanceId, trial.Endpoint.InstanceId);
        Assert.True(trial.Endpoint.IsTrial);

        // The trial reports under the generation and lease its selection carried. Its latency equals what
        // b's passing probes measured under the fake clock (0 ms): the probe now seeds the latency of an
        // instance without call samples, and health_aware picks the lowest score, so a slower trial
        // would keep a out of the ten selections below for a reason that has nothing to do with the circuit.
        await Outcomes.ReportAsync(Instance(service, a), OutcomeKind.Success, TimeSpan.Zero, trial.Endpoint.Generation, trial.Endpoint.TrialLeaseId);

        var closed = (await SnapshotWhenAsync(service, s => s.Instances.Single(i => i.InstanceId == a.InstanceId).Circuit != CircuitState.HalfOpen, "the trial's outcome to reach the service grain"))
            .Instances.Single(i => i.InstanceId == a.InstanceId);
        Assert.Equal(CircuitState.Closed, closed.Circuit);
        Assert.True(closed.Selectable);
        Assert.Contains(a.InstanceId, await SelectManyAsync(service, 10));
        var details = await Instance(service, a).GetDetailsAsync();
        Assert.Equal(["circuit Closed -> Open", "circuit Open -> HalfOpen", "circuit HalfOpen -> Closed"], details.History.Select(h => h.What).Where(w => w.StartsWith("circuit", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SelectAsync_HalfOpenWithConcurrentCallers_LeasesAtMostThreeTrialsFleetWide()
    {
        await using var backendA = await TestBackend.StartAsync();
        await using var backendB = await TestBackend.StartAsync();
        var (service, a, b) = await HalfOpenFirstOfTwoAsync(backendA, backendB);

        // Callers through both silos' gateways at once, as several gateways would.
        var selections = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => Grain(service).SelectAsync().AsTask()));

        Assert.All(selections, s => Assert.True(s.IsSelected, s.Reason));
        Assert.Equal(3, selections.Count(s => s.Endpoint!.IsTrial));
        Assert.All(selections.Where(s => s.Endpoint!.IsTrial), s => Assert.Equal(a.InstanceId, s.Endpoint!.InstanceId));
        Assert.Equal(21, selections.Count(s => s.Endpoint!.InstanceId == b.InstanceId));
        Assert.Equal(3, (await Instance(service, a).GetDetailsAsync()).ActiveTrialLeases);
    }

    [Fact]
    public async Task HalfOpen_TrialLeasesTakenAndReturned_OnlyTheCircuitsTransitionsAreLoggedAtInformation()
    {
        await using var backendA = await TestBackend.StartAsync();
        await using var backendB = await TestBackend.StartAsync();
        var (service, a, b) = await HalfOpenFirstOfTwoAsync(backendA, backendB);

        // All three trial leases out, then one returned (its caller gave up), twice over: the
        // availability flips between "trial calls in use" and "trial calls only" each time.
        for (var round = 0; round < 2; round++)
        {
            var trials = new List<Selection>();
            while (trials.Count < (round == 0 ? 3 : 1))
            {
                var selection = await Grain(service).SelectAsync();
                if (selection.Endpoint is { IsTrial: true })
                {
                    trials.Add(selection);
                }
            }

            await SnapshotWhenAsync(service, s => s.Instances.Single(i => i.InstanceId == a.InstanceId).NotSelectableReason == "circuit half-open, trial calls in use", "every trial lease to be out");
            var returned = trials[0].Endpoint!;
            await Outcomes.ReportAsync(Instance(service, a), OutcomeKind.Cancelled, TimeSpan.FromMilliseconds(1), returned.Generation, returned.TrialLeaseId);
            await SnapshotWhenAsync(service, s => s.Instances.Single(i => i.InstanceId == a.InstanceId).NotSelectableReason == "circuit half-open: trial calls only", "the returned lease to be free again");
        }

        var lines = fixture.ServiceGrainLogs.GetSnapshot()
            .Where(r => r.Id.Id == 1401 && r.Level == LogLevel.Information && r.Message.Contains(a.InstanceId, StringComparison.Ordinal))
            .Select(r => r.Message)
            .ToList();
        Assert.True(lines.Count == 2, string.Join("\n", lines));
        Assert.Collection(
            lines,
            l => Assert.Contains("is now Unavailable (circuit open;", l, StringComparison.Ordinal),
            l => Assert.Contains("is now TrialOnly (circuit half-open: trial calls only;", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task HotReload_DefaultAlgorithmChanged_ReachesTheRoutingSnapshotWithoutAnyOtherChange()
    {
        // A service discovered from EndpointSlices (here: the "test" source) gets no new endpoint set when
        // config.yaml changes; the reload alone must reach its routers.
        const string Key = "service_discovery:load_balancing:algorithm";
        var service = NewService();
        await fixture.PublishAsync(service, 1, Ready(9241), Ready(9242));
        var before = await Grain(service).GetRoutingSnapshotAsync();
        Assert.Equal(LoadBalancingAlgorithms.HealthAware, before.Algorithm);
        try
        {
            fixture.Reconfigure(Key, LoadBalancingAlgorithms.RoundRobin);
            await fixture.AdvanceAsync(ServiceGrain.SettingsCheckInterval);

            var after = await Eventually.MatchAsync(
                () => Grain(service).GetRoutingSnapshotAsync().AsTask(),
                s => s.Algorithm == LoadBalancingAlgorithms.RoundRobin,
                "the reloaded algorithm to reach the routing snapshot");
            Assert.True(after.Version > before.Version);
        }
        finally
        {
            fixture.Reconfigure(Key, null);
        }
    }

    [Fact]
    public async Task HealthCheck_BackendFailsThenRecovers_InstanceLeavesAndRejoinsSelection()
    {
        await using var failing = await TestBackend.StartAsync();
        await using var steady = await TestBackend.StartAsync();
        var service = NewService();
        var (a, b) = (Ready(failing.Port), Ready(steady.Port));
        failing.Status = HttpStatusCode.InternalServerError;
        await fixture.PublishAsync(service, 1, a, b);

        // First probe within one interval (jitter), then two more: three failures.
        await fixture.AdvanceUntilAsync(() => failing.HealthCalls >= 3, TimeSpan.FromSeconds(1), "three probes");
        var unhealthy = await Eventually.MatchAsync(
            () => Grain(service).GetSnapshotAsync().AsTask(),
            s => s.Instances.Single(i => i.InstanceId == a.InstanceId).Health == HealthState.Unhealthy,
            "the failing instance to be unhealthy");
        Assert.Equal("unhealthy", unhealthy.Instances.Single(i => i.InstanceId == a.InstanceId).NotSelectableReason);
        Assert.All(await SelectManyAsync(service, 10), id => Assert.Equal(b.InstanceId, id));

        failing.Status = HttpStatusCode.OK;
        var probesBefore = failing.HealthCalls;
        await fixture.AdvanceUntilAsync(() => failing.HealthCalls > probesBefore, TimeSpan.FromSeconds(1), "another probe");
        await Eventually.MatchAsync(
            () => Grain(service).GetSnapshotAsync().AsTask(),
            s => s.Instances.Single(i => i.InstanceId == a.InstanceId).Health == HealthState.Healthy,
            "the recovered instance to be healthy");

        // A passing probe now seeds the latency of an instance without call samples, and the probe's
        // latency here is however far the test stepped the fake clock while it was in flight: noise that
        // health_aware's lowest score would follow. One call of equal latency to each evens them out.
        await Outcomes.ReportAsync(Instance(service, a), OutcomeKind.Success, TimeSpan.FromMilliseconds(5));
        await Outcomes.ReportAsync(Instance(service, b), OutcomeKind.Success, TimeSpan.FromMilliseconds(5));

        // Latency alone is pushed at most every 250 ms.
        await fixture.AdvanceAsync(InstanceGrain.StatisticsPushInterval);
        await Eventually.MatchAsync(
            () => Grain(service).GetSnapshotAsync().AsTask(),
            s => s.Instances.All(i => i.EwmaLatencyMs == 5),
            "both latencies to be one 5 ms call");
        Assert.Contains(a.InstanceId, await SelectManyAsync(service, 20));
    }

    [Fact]
    public async Task ApplyEndpointsAsync_EndpointRemoved_ItsGrainStopsProbing()
    {
        await using var backend = await TestBackend.StartAsync();
        var service = NewService();
        var endpoint = Ready(backend.Port);
        await fixture.PublishAsync(service, 1, endpoint);
        await fixture.AdvanceUntilAsync(() => backend.HealthCalls >= 1, TimeSpan.FromSeconds(1), "the first probe");

        await fixture.PublishAsync(service, 2);
        await fixture.DeactivatedAsync(Instance(service, endpoint), "the removed endpoint's grain to deactivate");
        var probesAtRemoval = backend.HealthCalls;
        await fixture.AdvanceAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(probesAtRemoval, backend.HealthCalls);
        Assert.Equal(SelectionStatus.NoEndpoints, (await Grain(service).SelectAsync()).Status);
    }

    [Fact]
    public async Task GetSnapshotAsync_AfterSelectionsAndOutcomes_ReportsLatencyAndCounts()
    {
        var service = NewService();
        var endpoint = Ready(9181);
        await fixture.PublishAsync(service, 1, endpoint);

        await Grain(service).SelectAsync();
        await Grain(service).SelectAsync();
        await Outcomes.ReportAsync(Instance(service, endpoint), OutcomeKind.Success, TimeSpan.FromMilliseconds(40));

        var snapshot = await SnapshotWhenAsync(service, s => s.Instances.Single().EwmaLatencyMs > 0, "the first latency sample to reach the service grain");
        var instance = Assert.Single(snapshot.Instances);
        Assert.True(snapshot.Known);
        Assert.Equal("health_aware", snapshot.Algorithm);
        Assert.Equal(2, snapshot.SelectionsServed);
        Assert.Equal(2, instance.SelectionsServed);

        // Calls in flight are counted per call by each process's router, not by the service grain.
        Assert.Equal(0, instance.InFlight);
        Assert.Equal(40, instance.EwmaLatencyMs, precision: 6);
        Assert.Equal(EndpointConditions.ReadyToServe, instance.Conditions);
        Assert.Equal(["test"], instance.Sources);
    }

    [Fact]
    public async Task SelectAsync_EndpointsFromTheConfigurationSource_AreAllSelectable()
    {
        var expected = fixture.ConfiguredPorts.Select(p => $"127.0.0.1:{p}").ToArray();
        await Eventually.MatchAsync(
            () => Grain(ConfiguredService).GetSnapshotAsync().AsTask(),
            s => s.Instances.Count == expected.Length,
            "the configuration source to deliver the configured endpoints");

        var picked = await SelectManyAsync(ConfiguredService, 30);

        Assert.All(expected, id => Assert.Equal(10, picked.Count(p => p == id)));
        var snapshot = await Grain(ConfiguredService).GetSnapshotAsync();
        Assert.Equal("round_robin", snapshot.Algorithm);
        Assert.Equal("configuration", Assert.Single(snapshot.Sources).Source);
        Assert.Equal("zone-b", snapshot.Instances.Single(i => i.Port == fixture.ConfiguredPorts[2]).Zone);
    }

    [Fact]
    public async Task ReportSuccessesAsync_Batch_ReleasesInFlightMovesLatencyAndResetsFailures()
    {
        var service = NewService();
        var endpoint = Ready(9221);
        await fixture.PublishAsync(service, 1, endpoint);
        for (var i = 0; i < 4; i++)
        {
            await Grain(service).SelectAsync();
        }

        await Outcomes.ReportAsync(Instance(service, endpoint), OutcomeKind.Success, TimeSpan.FromMilliseconds(100));
        await Outcomes.ReportAsync(Instance(service, endpoint), OutcomeKind.Failure, TimeSpan.FromMilliseconds(100), error: "HTTP 503");
        await Outcomes.ReportAsync(Instance(service, endpoint), OutcomeKind.Success, TimeSpan.FromMilliseconds(40), count: 2);

        var instance = Assert.Single((await SnapshotWhenAsync(service, s => s.Instances.Single().ConsecutiveFailures == 0 && s.Instances.Single().EwmaLatencyMs < 100, "the last report to reach the service grain")).Instances);
        Assert.Equal(0, instance.InFlight);
        Assert.Equal(0, instance.ConsecutiveFailures);

        // Two samples of 20 ms after an average of 100 ms: 20 + 0.7² × 80.
        Assert.Equal(20 + (0.49 * 80), instance.EwmaLatencyMs, precision: 9);
        Assert.Equal(4, (await Instance(service, endpoint).GetDetailsAsync()).Status.CompletedCalls);
    }
}
