using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using TradingAgents.Actors.Client.Metrics;
using TradingAgents.Actors.Client.TradingAgents;
using TradingAgents.Actors.Routing;
using TradingAgents.Actors.Tests.Infrastructure;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.Metrics;

[Collection(ClientClusterCollection.Name)]
public sealed class ClientInstrumentsTests(ClientClusterFixture fixture)
{
    [Theory]
    [InlineData(OutcomeKind.Success, false, "success")]
    [InlineData(OutcomeKind.Failure, false, "failure")]
    [InlineData(OutcomeKind.Failure, true, "timeout")]
    [InlineData(OutcomeKind.Backpressure, false, "backpressure")]
    [InlineData(OutcomeKind.Cancelled, false, "cancelled")]
    [InlineData(OutcomeKind.Cancelled, true, "cancelled")]
    public void OutcomeOf_EveryClass_HasItsOwnTagAndAnAbortIsNeverASuccess(OutcomeKind kind, bool timedOut, string expected) =>
        Assert.Equal(expected, ClientInstruments.OutcomeOf(kind, timedOut));

    [Fact]
    public async Task Calls_AroundAKilledInstance_RecordDiscoveryCallsDurationsByOutcomeAndEachInstancesCalls()
    {
        const string service = "instruments";
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 2, service);
        await fixture.PublishAsync(service, backends.All);
        await using var client = new ClientHost(fixture);
        var meterFactory = client.Services.GetRequiredService<IMeterFactory>();
        var discoveryCalls = new ConcurrentQueue<(long Value, string? Service)>();
        var durations = new ConcurrentQueue<(string? Service, string? Outcome)>();
        var perInstance = new ConcurrentDictionary<(string? Instance, string? Outcome), long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this client's meter: other tests' containers publish the same names.
            if (instrument.Meter.Name == ClientInstruments.MeterName && ReferenceEquals(instrument.Meter.Scope, meterFactory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == ClientInstruments.DiscoveryCallsName)
            {
                discoveryCalls.Enqueue((value, Tag(tags, "service")));
            }
            else if (instrument.Name == "service_router_calls" && Tag(tags, "service") == service)
            {
                // Observable: each reading is the cumulative count of one series.
                perInstance[(Tag(tags, "instance"), Tag(tags, "outcome"))] = value;
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) =>
        {
            if (instrument.Name == ClientInstruments.CallDurationName)
            {
                durations.Enqueue((Tag(tags, "service"), Tag(tags, "outcome")));
            }
        });
        listener.Start();
        await backends[0].KillAsync();

        for (var i = 0; i < 4; i++)
        {
            await client.Caller.CallAsync<StockData>(service, "/api/v1/data/stock?symbol=AAPL&period=1d", HttpMethod.Get);
        }

        var dead = ClientClusterFixture.InstanceIdOf(backends[0]);
        var live = ClientClusterFixture.InstanceIdOf(backends[1]);
        var retries = client.Metrics.Snapshot().For(service).Retries;
        Assert.InRange(retries, 1, 4);
        Assert.Equal(client.Metrics.Snapshot().For(service).DiscoveryCalls, discoveryCalls.Count);
        Assert.All(discoveryCalls, call => Assert.Equal((1L, service), call));
        Assert.Equal(
            Enumerable.Repeat((service, ClientInstruments.Failure), (int)retries)
                .Concat(Enumerable.Repeat((service, ClientInstruments.Success), 4))
                .Order(),
            durations.Select(d => (d.Service!, d.Outcome!)).Order());

        // Per instance, from the router (series that leave with the instance, unlike a histogram's).
        listener.RecordObservableInstruments();
        Assert.Equal(
            new Dictionary<(string?, string?), long> { [(dead, "failure")] = retries, [(live, "success")] = 4 },
            perInstance.ToDictionary());

        // The dead pod leaves the service (as a replaced pod does in a rollout): its series leave the export.
        await fixture.PublishAsync(service, backends[1]);
        var router = client.Services.GetRequiredService<ServiceRouters>().Get(service);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (router.Snapshot.Instances.Any(i => i.InstanceId == dead) && DateTime.UtcNow < deadline)
        {
            // The service grain's coalesced push runs on the silos' fake clock.
            fixture.SiloTime.Advance(TimeSpan.FromMilliseconds(20));
            await Task.Delay(10);
        }

        Assert.DoesNotContain(router.Snapshot.Instances, i => i.InstanceId == dead);

        perInstance.Clear();
        listener.RecordObservableInstruments();
        Assert.Equal(new Dictionary<(string?, string?), long> { [(live, "success")] = 4 }, perInstance.ToDictionary());
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value as string;
            }
        }

        return null;
    }
}
