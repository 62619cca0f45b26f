using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Tests.Infrastructure;

namespace TradingAgents.Actors.Tests.Gateway;

/// <summary>
/// Issue 9 item 5: backpressure is honoured. A real backend answers 429 with <c>Retry-After</c>: the
/// idempotent request is retried on another instance, the answer is not a success, and the instance gets
/// no ordinary traffic until the time it asked for, capped by <c>circuit_breaker.max_retry_after</c>.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class BackpressureTests
{
    private const string Quote = "/data-service/api/quote";

    [Fact]
    public async Task Forward_InstanceAnswers429WithRetryAfter_RetriedElsewhereAndNoTrafficUntilTheCappedTime()
    {
        await using var busy = await SwitchableBackend.StartAsync("busy");
        await using var other1 = await SwitchableBackend.StartAsync("other-1");
        await using var other2 = await SwitchableBackend.StartAsync("other-2");
        using var metrics = new CallMetrics(busy.InstanceId);
        var settings = new Dictionary<string, string?>(GatewayTestHost.Endpoints("data-service", busy.Address, other1.Address, other2.Address))
        {
            ["service_discovery:services:data-service:algorithm"] = "round_robin",
            ["service_discovery:circuit_breaker:max_retry_after"] = "2",
        };
        await using var gateway = await GatewayTestHost.StartAsync(settings);
        var instance = gateway.Services.GetRequiredService<IGrainFactory>().GetGrain<IInstanceGrain>(InstanceKey.Format("data-service", busy.InstanceId));

        // Warm: round robin reaches every instance within three requests.
        for (var i = 0; i < 3; i++)
        {
            using var warm = await gateway.Client.GetAsync(new Uri(Quote, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        Assert.Equal(1, busy.ApiRequests);
        await gateway.Services.GetRequiredService<Routing.ServiceRouters>().FlushAsync();
        var successesBefore = metrics.Count("success");
        var callsBefore = (await instance.GetDetailsAsync()).Status.CompletedCalls;

        // It asks for an hour; the gateway honours at most max_retry_after (2 s).
        busy.TooManyRequestsRetryAfter = "3600";
        Stopwatch? since = null;
        for (var i = 0; i < 3 && since is null; i++)
        {
            using var response = await gateway.Client.GetAsync(new Uri(Quote, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.NotEqual(busy.Name, response.Headers.GetValues(SwitchableBackend.InstanceHeader).Single());
            if (busy.ApiRequests == 2)
            {
                since = Stopwatch.StartNew();
            }
        }

        Assert.NotNull(since);
        busy.TooManyRequestsRetryAfter = null;

        // Not a success: the call metric records it apart from successes, and the router counts it.
        Assert.Equal(successesBefore, metrics.Count("success"));
        Assert.Equal(0, metrics.Count("failure"));
        Assert.Equal(1, metrics.Count("backpressure"));
        Assert.Equal(1, metrics.Backpressure);

        // The fleet view (the service grain, the API the status page reads) names the reason.
        using var details = await Eventually.MatchAsync(
            async () => JsonDocument.Parse(await gateway.Client.GetStringAsync(new Uri("/api/discovery/services/data-service", UriKind.Relative))),
            d => Instance(d, busy.InstanceId).GetProperty("notSelectableReason").GetString() is { } reason && reason.Contains("backpressure", StringComparison.Ordinal),
            "the service grain to exclude the instance for backpressure");
        Assert.False(Instance(details, busy.InstanceId).GetProperty("selectable").GetBoolean());

        // No ordinary traffic until the capped time (a margin of 0.5 s below it for a loaded machine).
        while (since.Elapsed < TimeSpan.FromSeconds(1.5))
        {
            using var response = await gateway.Client.GetAsync(new Uri(Quote, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(2, busy.ApiRequests);

        // After the capped time (not the hour it asked for) it gets its share again.
        await Eventually.MatchAsync(
            async () =>
            {
                using var response = await gateway.Client.GetAsync(new Uri(Quote, UriKind.Relative));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return busy.ApiRequests;
            },
            n => n > 2,
            "traffic to return to the instance after max_retry_after",
            TimeSpan.FromSeconds(15));
        Assert.True(since.Elapsed >= TimeSpan.FromSeconds(1.5), $"Traffic returned after {since.Elapsed}.");

        // The grain counted the 429 as a completed call, but neither a success nor a failure of the breaker.
        await gateway.Services.GetRequiredService<Routing.ServiceRouters>().FlushAsync();
        var status = (await instance.GetDetailsAsync()).Status;
        Assert.Equal(CircuitState.Closed, status.Circuit);
        Assert.Equal(0, status.ConsecutiveFailures);
        Assert.True(status.CompletedCalls > callsBefore);
    }

    private static JsonElement Instance(JsonDocument snapshot, string instanceId) =>
        snapshot.RootElement.GetProperty("instances").EnumerateArray().Single(i => i.GetProperty("instanceId").GetString() == instanceId);

    /// <summary>Reads the router's per-instance call counter (by outcome) and backpressure counter for one instance.</summary>
    private sealed class CallMetrics : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<(string Instrument, string? Outcome), long> _readings = new();

        public CallMetrics(string instanceId)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "TradingAgents.Actors" && instrument.Name is "service_router_calls" or "service_router_backpressure")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                if (Tag(tags, "instance") == instanceId)
                {
                    _readings[(instrument.Name, Tag(tags, "outcome"))] = value;
                }
            });
            _listener.Start();
        }

        /// <summary>Attempts the instance answered with backpressure, as the router counts them now.</summary>
        public long Backpressure => Read("service_router_backpressure", outcome: null);

        /// <summary>Attempts to the instance that ended with <paramref name="outcome"/>, as the router counts them now.</summary>
        public long Count(string outcome) => Read("service_router_calls", outcome);

        public void Dispose() => _listener.Dispose();

        // Observable counters report cumulative values when asked.
        private long Read(string instrument, string? outcome)
        {
            _readings.Clear();
            _listener.RecordObservableInstruments();
            return _readings.GetValueOrDefault((instrument, outcome));
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
}
