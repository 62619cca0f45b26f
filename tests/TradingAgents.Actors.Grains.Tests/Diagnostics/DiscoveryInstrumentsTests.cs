using System.Diagnostics.Metrics;
using TradingAgents.Actors.Diagnostics;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Routing;
using TradingAgents.Actors.Tests.Infrastructure;
using static TradingAgents.Actors.Tests.Infrastructure.DiscoveryClusterFixture;

namespace TradingAgents.Actors.Tests.Diagnostics;

[Collection(DiscoveryClusterCollection.Name)]
public sealed class DiscoveryInstrumentsTests(DiscoveryClusterFixture fixture)
{
    [Fact]
    public async Task Instruments_SelectionsAndAnOpenCircuit_AreMeasuredWithServiceAndInstanceLabels()
    {
        var service = $"metrics-{Guid.NewGuid():N}";
        var (a, b) = (Ready(9191), Ready(9192));
        var measurements = new List<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == DiscoveryInstruments.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var labels = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                labels[tag.Key] = tag.Value;
            }

            if (Equals(labels.GetValueOrDefault("service"), service))
            {
                lock (measurements)
                {
                    measurements.Add((instrument.Name, Convert.ToDouble(value), labels));
                }
            }
        }

        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();

        await fixture.PublishAsync(service, 1, a, b);
        await fixture.Client.GetGrain<IServiceGrain>(service).SelectAsync(SelectionRequest.Excluding([b.InstanceId]));
        var instance = fixture.Client.GetGrain<IInstanceGrain>(InstanceKey.Format(service, a.InstanceId));
        for (var i = 0; i < 5; i++)
        {
            await Outcomes.ReportAsync(instance, OutcomeKind.Failure, TimeSpan.FromMilliseconds(1), error: "HTTP 502");
        }

        // The instance grain tells its service grain of the open circuit one-way; the gauges read the
        // board the service grain keeps, so they show it once that message has been handled.
        var observed = await Eventually.MatchAsync(
            () =>
            {
                lock (measurements)
                {
                    measurements.Clear();
                }

                listener.RecordObservableInstruments();
                lock (measurements)
                {
                    return Task.FromResult(measurements.ToList());
                }
            },
            seen => seen.Any(m => m.Instrument == "circuit_breaker_state" && Equals(m.Tags["instance"], a.InstanceId) && m.Value == 2),
            "the circuit_breaker_state gauge to show the open circuit");
        var selection = Assert.Single(observed, m => m.Instrument == "service_selections");
        Assert.Equal(a.InstanceId, selection.Tags["instance"]);
        var circuits = observed.Where(m => m.Instrument == "circuit_breaker_state").ToDictionary(m => (string)m.Tags["instance"]!, m => m.Value);
        Assert.Equal(2, circuits[a.InstanceId]);
        Assert.Equal(0, circuits[b.InstanceId]);
        Assert.Equal(1, Assert.Single(observed, m => m.Instrument == "service_instances_selectable").Value);
        Assert.Equal(2, Assert.Single(observed, m => m.Instrument == "service_instances_healthy").Value);
        var age = Assert.Single(observed, m => m.Instrument == "endpoint_sync_age_seconds");
        Assert.Equal("test", age.Tags["source"]);
    }
}
