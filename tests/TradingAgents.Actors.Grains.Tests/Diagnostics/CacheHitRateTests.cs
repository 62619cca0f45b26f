using System.Diagnostics.Metrics;
using TradingAgents.Actors.Diagnostics;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Routing;
using TradingAgents.Actors.Tests.Infrastructure;
using static TradingAgents.Actors.Tests.Infrastructure.DiscoveryClusterFixture;

namespace TradingAgents.Actors.Tests.Diagnostics;

[Collection(DiscoveryClusterCollection.Name)]
public sealed class CacheHitRateTests(DiscoveryClusterFixture fixture)
{
    [Fact]
    public async Task CacheHitRate_FirstSelectionOfAnActivationThenInMemoryOnes_MissesOnlyTheFirst()
    {
        var service = $"cache-{Guid.NewGuid():N}";
        await fixture.PublishAsync(service, 1, Ready(9301), Ready(9302));
        var grain = fixture.Client.GetGrain<IServiceGrain>(service);

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(SelectionStatus.Selected, (await grain.SelectAsync()).Status);
        }

        Assert.Equal(0.75, ObserveHitRate(service));
    }

    [Fact]
    public async Task CacheHitRate_HalfOpenTrialLease_IsAMiss()
    {
        var service = $"cache-trial-{Guid.NewGuid():N}";
        // Real backends that pass their health checks: the breaker's 30 s would otherwise also be
        // enough probe failures to make both instances unhealthy.
        await using var backendA = await TestBackend.StartAsync();
        await using var backendB = await TestBackend.StartAsync();
        var (a, b) = (Ready(backendA.Port), Ready(backendB.Port));
        await fixture.PublishAsync(service, 1, a, b);
        var grain = fixture.Client.GetGrain<IServiceGrain>(service);
        Assert.Equal(SelectionStatus.Selected, (await grain.SelectAsync()).Status);
        Assert.Equal(SelectionStatus.Selected, (await grain.SelectAsync()).Status);
        var instance = fixture.Client.GetGrain<IInstanceGrain>(InstanceKey.Format(service, a.InstanceId));
        for (var i = 0; i < 5; i++)
        {
            await Outcomes.ReportAsync(instance, OutcomeKind.Failure, TimeSpan.FromMilliseconds(1), error: "HTTP 502");
        }

        // Past the 30 s recovery timeout the circuit is half-open; the next selection leases a trial.
        // The clock moves only until the instance grain itself is half-open (a call to it is handled
        // after the timer turn that changed it); the service grain hears of it one-way, and the test
        // waits for that in real time so that a slow machine cannot push the clock past the window.
        await fixture.AdvanceUntilAsync(
            () => instance.GetDetailsAsync().AsTask().Result.Status.Circuit == CircuitState.HalfOpen,
            TimeSpan.FromSeconds(5),
            "circuit half-open");
        await Eventually.MatchAsync(
            async () => await grain.GetSnapshotAsync(),
            snapshot => snapshot.Instances.Any(i => i.InstanceId == a.InstanceId && i.Circuit == CircuitState.HalfOpen),
            "the service grain to hear of the half-open circuit");
        var trial = await grain.SelectAsync();

        Assert.True(trial.Endpoint!.IsTrial);
        // The first selection (activation) and the trial missed; the second was a hit. The clock moved
        // about 30 s, so all three are still in the 60 s window.
        Assert.Equal(1.0 / 3, ObserveHitRate(service));
    }

    private static double? ObserveHitRate(string service)
    {
        double? rate = null;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == DiscoveryInstruments.MeterName && instrument.Name == "service_discovery_cache_hit_rate")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "service" && Equals(tag.Value, service))
                {
                    rate = value;
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return rate;
    }
}
