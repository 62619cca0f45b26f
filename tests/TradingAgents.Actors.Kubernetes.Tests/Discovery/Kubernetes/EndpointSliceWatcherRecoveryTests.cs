using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Discovery.Kubernetes;
using TradingAgents.Actors.Tests.Fakes;
using Xunit.Abstractions;
using static TradingAgents.Actors.Tests.Fakes.Slices;

namespace TradingAgents.Actors.Tests.Discovery.Kubernetes;

/// <summary>
/// The faults of issue 10, each driven through the real KubernetesClient against the fake API server,
/// with the request log as the evidence (lists and watches per unit of fake time, time to recover).
/// </summary>
public sealed class EndpointSliceWatcherRecoveryTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task Watch_ResourceVersionsGoBack_NewHistoryIsPublishedAtAHigherGenerationWithin5Seconds()
    {
        await using var h = await WatcherHarness.CreateAsync(seed: s => s.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.1"), Endpoint("10.0.0.2")])));
        await h.StartAsync();
        await h.Publisher.WaitUntilAsync(p => p.Current.ContainsKey("data-service"));
        var before = h.Publisher.Current["data-service"];
        Assert.Equal(0, before.Generation);

        // An etcd restore: versions start again far below the watcher's, with other content.
        h.Server.Restore(revision: 10, [Create("data-a", "data-service", [Endpoint("10.0.0.3")])]);
        var restoredAt = h.Time.GetUtcNow();
        await h.PumpUntilAsync(() => h.Publisher.InstanceIds("data-service") is ["10.0.0.3:8080"], Step);
        var recovery = h.Time.GetUtcNow() - restoredAt;

        var after = h.Publisher.Current["data-service"];
        output.WriteLine($"restored history published after {recovery.TotalSeconds:0.0} s of fake time");
        Assert.True(recovery <= TimeSpan.FromSeconds(5), $"recovered after {recovery}");
        Assert.True(after.Generation > before.Generation, $"generation {after.Generation} after {before.Generation}");
        Assert.Equal(11, after.Version);
        Assert.True(after.Version < before.Version);
        Assert.Equal(1, h.RestartCount("too_large_version"));
        Assert.Contains(h.Logs.GetSnapshot(), r => r.Id.Name == "GenerationChanged");

        // The new history goes on as usual: its events are newer within the new generation.
        var added = h.Server.Apply(Create("data-b", "data-service", [Endpoint("10.0.0.4")]));
        await h.Publisher.WaitUntilAsync(p => p.Current["data-service"].Version == added);
        Assert.Equal(after.Generation, h.Publisher.Current["data-service"].Generation);
        Assert.Equal(["10.0.0.3:8080", "10.0.0.4:8080"], h.Publisher.InstanceIds("data-service"));

        // A set from the old history, delivered late by a silo that has not noticed, rolls nothing back.
        Assert.Equal(ApplyResult.Stale, await h.Publisher.PublishAsync("data-service", before with { SyncedAt = h.Time.GetUtcNow() }));
        Assert.Equal(["10.0.0.3:8080", "10.0.0.4:8080"], h.Publisher.InstanceIds("data-service"));
    }

    [Fact]
    public async Task Watch_EventOlderThanOneSeen_ListsAgainAndMovesTheGeneration()
    {
        await using var h = await WatcherHarness.CreateAsync(seed: s => s.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.1")])));
        await h.StartAsync();
        await h.Publisher.WaitUntilAsync(p => p.Current.ContainsKey("data-service"));

        // A server whose history restarted lower streams an event below the version the watcher holds.
        h.Server.SendRawEvent("ADDED", _ => "{\"kind\":\"EndpointSlice\",\"apiVersion\":\"discovery.k8s.io/v1\",\"metadata\":{\"name\":\"data-z\",\"namespace\":\"trading-system\",\"resourceVersion\":\"5\",\"labels\":{\"kubernetes.io/service-name\":\"data-service\"}},\"addressType\":\"IPv4\",\"ports\":[{\"name\":\"http\",\"port\":8080}],\"endpoints\":[{\"addresses\":[\"10.0.0.9\"]}]}");
        await h.PumpUntilAsync(() => h.ListRequests == 2, Step);

        Assert.Equal(1, h.RestartCount("version_went_back"));
        Assert.Contains(h.Logs.GetSnapshot(), r => r.Id.Name == "VersionsWentBack");

        // The fake's own history did not go back, so the list is not lower and the generation stays.
        await h.Publisher.WaitUntilAsync(p => p.Received.Count(r => r.Service == "data-service") >= 2);
        Assert.Equal(0, h.Publisher.Current["data-service"].Generation);
        Assert.Equal(["10.0.0.1:8080"], h.Publisher.InstanceIds("data-service"));
    }

    [Theory]
    [InlineData(ExpiryMode.ErrorEvent)]
    [InlineData(ExpiryMode.HttpStatus)]
    public async Task Watch_EveryVersionExpiresAtOnce_ListsWithCappedJitteredBackoffNotInALoop(ExpiryMode mode)
    {
        await using var h = await WatcherHarness.CreateAsync(seed: s => s.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.1")])));
        h.Server.ExpiryMode = mode;
        await h.StartAsync();
        await h.Publisher.WaitUntilAsync(p => p.Current.ContainsKey("data-service"));

        h.Server.ExpireEveryWatch = true;
        h.Server.CloseWatches();
        var (lists, watches) = (h.ListRequests, h.WatchRequests.Count);
        var started = Stopwatch.GetTimestamp();
        var until = h.Time.GetUtcNow() + TimeSpan.FromSeconds(60);
        await h.PumpUntilAsync(() => h.Time.GetUtcNow() >= until, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        var elapsed = Stopwatch.GetElapsedTime(started);
        lists = h.ListRequests - lists;
        watches = h.WatchRequests.Count - watches;
        output.WriteLine($"{mode}: {lists} lists and {watches} watches in 60 s of fake time ({elapsed.TotalSeconds:0.0} s real)");

        // Delays of about 1, 2, 4, 8, 16, 30 s (each half to full): at most 8 lists in 60 s (without the
        // backoff: hundreds a second), and it keeps trying. The lower bound is loose because fake time
        // moves on while a list's real I/O is slow on a busy machine.
        Assert.InRange(lists, 2, 8);
        Assert.InRange(watches, lists, lists + 1);
        // Every list here follows a rejected one (the last delay may still be running).
        Assert.InRange(h.DelayedLists.GetMeasurementSnapshot().Sum(m => m.Value), lists, lists + 1);
        Assert.True(h.RestartCount("expired") >= lists, $"{h.RestartCount("expired")} expiries counted for {lists} lists");
        Assert.True(elapsed < TimeSpan.FromSeconds(30), $"60 s of fake time took {elapsed} of real time");

        // Once a watch works again, the next expiry relists at once.
        h.Server.ExpireEveryWatch = false;
        await h.PumpUntilAsync(() => h.Server.ActiveWatches == 1, TimeSpan.FromSeconds(1));
        var added = h.Server.Apply(Create("data-b", "data-service", [Endpoint("10.0.0.2")]));
        await h.Publisher.WaitUntilAsync(p => p.Current["data-service"].Version == added);
        var delayed = h.DelayedLists.GetMeasurementSnapshot().Sum(m => m.Value);
        var listsBefore = h.ListRequests;
        h.Server.ExpireEveryWatch = true;
        h.Server.CloseWatches();
        await h.Server.WaitForRequestsAsync(r => r.Count(x => x.IsList) == listsBefore + 1);
        h.Server.ExpireEveryWatch = false;
        Assert.Equal(delayed, h.DelayedLists.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    [Fact]
    public async Task List_NeverAnswers_IsAbandonedAfterListTimeoutAndRetried()
    {
        await using var h = await WatcherHarness.CreateAsync(
            seed: s => s.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.1")])),
            configure: o => o.Kubernetes.ListTimeout = TimeSpan.FromSeconds(5));
        h.Server.HangLists = true;
        var start = h.Time.GetUtcNow();
        await h.Watcher.StartAsync(CancellationToken.None);

        await h.PumpUntilAsync(() => h.ListRequests == 2, Step);
        var retriedAfter = h.Time.GetUtcNow() - start;
        Assert.Equal(1, h.RestartCount("list_timeout"));
        Assert.InRange(retriedAfter, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5) + (2 * h.Timing.InitialBackoff) + Step);

        h.Server.HangLists = false;
        await h.PumpUntilAsync(() => h.Publisher.Current.ContainsKey("data-service"), Step);
        var recovered = h.Time.GetUtcNow() - start;
        output.WriteLine($"hung list retried after {retriedAfter.TotalSeconds:0.0} s, published {recovered.TotalSeconds:0.0} s after start (fake time)");
        Assert.True(recovered <= TimeSpan.FromSeconds(5) + (4 * h.Timing.InitialBackoff) + (2 * TimeSpan.FromSeconds(5)), $"published after {recovered}");
        Assert.Contains(h.Logs.GetSnapshot(), r => r.Id.Name == "WatchFailed" && r.Message.Contains("list_timeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Watch_TooLargeResourceVersion_ListsAtOnceInsteadOfResuming()
    {
        await using var h = await WatcherHarness.CreateAsync(seed: s => s.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.1")])));
        await h.StartAsync();
        await h.Publisher.WaitUntilAsync(p => p.Current.ContainsKey("data-service"));

        h.Server.WatchFailure = (HttpStatusCode.GatewayTimeout, "Timeout", "Too large resource version: 1001, current: 1001");
        h.Server.CloseWatches();
        await h.PumpUntilAsync(() => h.ListRequests == 2, Step);
        h.Server.WatchFailure = null;
        await h.PumpUntilAsync(() => h.Server.ActiveWatches == 1, Step);

        // list, watch (closed), watch (504 too large), list, watch.
        Assert.Equal([false, true, true, false, true], h.Server.Requests.Select(r => r.IsWatch));
        Assert.Equal(1, h.RestartCount("too_large_version"));
    }

    [Fact]
    public async Task Watch_KeepsFailingFromTheHeldVersion_ListsAfterRelistAfterWatchFailures()
    {
        await using var h = await WatcherHarness.CreateAsync(seed: s => s.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.1")])));
        await h.StartAsync();
        await h.Publisher.WaitUntilAsync(p => p.Current.ContainsKey("data-service"));
        var held = h.Server.Revision.ToString(CultureInfo.InvariantCulture);

        h.Server.WatchFailure = (HttpStatusCode.ServiceUnavailable, "ServiceUnavailable", "etcd leader changed");
        h.Server.CloseWatches();
        var failingSince = h.Time.GetUtcNow();
        await h.PumpUntilAsync(() => h.ListRequests == 2, Step, TimeSpan.FromSeconds(20));
        var toList = h.Time.GetUtcNow() - failingSince;
        output.WriteLine($"listed {toList.TotalSeconds:0.0} s (fake time) after watches started failing");
        h.Server.WatchFailure = null;
        var added = h.Server.Apply(Create("data-b", "data-service", [Endpoint("10.0.0.2")]));
        await h.PumpUntilAsync(() => h.Publisher.Current["data-service"].Version >= added, Step);

        // One closed watch, then RelistAfterWatchFailures failed ones from the held version, then a list.
        var beforeSecondList = h.Server.Requests.TakeWhile((r, i) => !r.IsList || i == 0).ToList();
        Assert.Equal(1 + h.Timing.RelistAfterWatchFailures, beforeSecondList.Count(r => r.IsWatch && r.ResourceVersion == held));
        Assert.True(h.RestartCount("http_status") >= h.Timing.RelistAfterWatchFailures);
        Assert.True(toList < TimeSpan.FromSeconds(15), $"listed after {toList}");
        Assert.Contains(h.Logs.GetSnapshot(), r => r.Id.Name == "RelistAfterWatchFailures");
        Assert.Equal(["10.0.0.1:8080", "10.0.0.2:8080"], h.Publisher.InstanceIds("data-service"));
    }

    [Fact]
    public async Task Map_ServicePortConfiguredButSliceCarriesTargetPort_UsesThePortNamedHttp()
    {
        // The shipped configuration: port 8003; the Service maps port 80 (named http) to targetPort 8080.
        await using var h = await WatcherHarness.CreateAsync(
            seed: s => s.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.1")], portName: "http", port: 8080)),
            configure: o => o.Services["data-service"] = new() { Port = 8003 });
        await h.StartAsync();
        await h.Publisher.WaitUntilAsync(p => p.Current.ContainsKey("data-service"));

        Assert.Equal(["10.0.0.1:8080"], h.Publisher.InstanceIds("data-service"));
        Assert.Null(h.Publisher.Current["data-service"].Problem);
        Assert.Equal(0, h.RejectedCount("port_not_found"));
    }

    [Fact]
    public async Task Map_NoPortMatches_WarnsOncePerServiceCountsEachSliceAndCarriesTheReason()
    {
        await using var h = await WatcherHarness.CreateAsync(
            seed: s => s.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.1")], portName: "grpc", port: 9090)),
            configure: o => o.Services["data-service"] = new() { Port = 8003 });
        await h.StartAsync();
        await h.Publisher.WaitUntilAsync(p => p.Current.ContainsKey("data-service"));
        var modified = h.Server.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.2")], portName: "grpc", port: 9090));
        await h.Publisher.WaitUntilAsync(p => p.Current["data-service"].Version == modified);

        var set = h.Publisher.Current["data-service"];
        Assert.Empty(set.Endpoints);
        Assert.Equal("1 of 1 EndpointSlice(s) have no port named 'http' or numbered 8003 (they offer grpc/9090); their endpoints are not used", set.Problem);
        Assert.Equal(2, h.RejectedCount("port_not_found"));
        Assert.Single(h.Logs.GetSnapshot(), r => r.Id.Name == "PortMismatch");

        // Fixed: the reason goes away, and a later mismatch warns again.
        var fixedVersion = h.Server.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.2")], portName: "http", port: 8080));
        await h.Publisher.WaitUntilAsync(p => p.Current["data-service"].Version == fixedVersion);
        Assert.Null(h.Publisher.Current["data-service"].Problem);
        Assert.Equal(["10.0.0.2:8080"], h.Publisher.InstanceIds("data-service"));
    }

    [Fact]
    public async Task Sync_SetRejectedAsStale_DoesNotMoveLastSyncTime()
    {
        await using var h = await WatcherHarness.CreateAsync(seed: s =>
        {
            s.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.1")]));
            s.Apply(Create("llm-a", "llm-service", [Endpoint("10.0.1.1")]));
        });

        // Another silo already delivered data-service at a later generation; this watcher's sets are older.
        h.Publisher.Hold("data-service", new EndpointSetUpdate(EndpointSliceWatcher.SourceName, 1, [], h.Time.GetUtcNow(), Generation: 7));
        await h.StartAsync();
        await h.Publisher.WaitUntilAsync(p => p.Received.Any(r => r.Service == "data-service") && p.Current.ContainsKey("llm-service"));
        h.Time.Advance(h.Timing.SyncRefreshInterval);
        h.Server.SendBookmark();
        await h.Publisher.WaitUntilAsync(p => p.Received.Count(r => r.Service == "llm-service") >= 2);

        var series = h.LastSyncTimes();
        Assert.False(series.ContainsKey("data-service"), "a rejected set must not look fresh");
        Assert.Equal(h.Time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0, series["llm-service"]);
    }

    [Fact]
    public async Task Churn_ServicesAddedAndRemoved_WatcherForgetsThemAndTheirSeries()
    {
        await using var h = await WatcherHarness.CreateAsync(configure: o => o.Services["data-service"] = new());
        await h.StartAsync();
        await h.Publisher.WaitUntilAsync(p => p.Current.ContainsKey("data-service"));
        var baseline = (h.Watcher.RetainedServices, h.Instruments.SyncedServices);

        for (var i = 0; i < 1000; i++)
        {
            var service = $"churn-{i}";
            h.Server.Apply(Create($"{service}-a", service, [Endpoint($"10.1.{i / 250}.{(i % 250) + 1}")]));
            var deleted = h.Server.Delete(Namespace, $"{service}-a");
            if (i % 100 == 99)
            {
                await h.Publisher.WaitUntilAsync(p => p.Received.Any(r => r.Service == service && r.Update.Version == deleted), TimeSpan.FromSeconds(30));
            }
        }

        // Nothing about a gone service is held, and nothing is re-sent for it on a later refresh.
        await h.Publisher.WaitUntilAsync(_ => h.Watcher.RetainedServices == baseline.RetainedServices, TimeSpan.FromSeconds(30));
        Assert.Equal(baseline, (h.Watcher.RetainedServices, h.Instruments.SyncedServices));
        var received = h.Publisher.Received.Count;
        h.Time.Advance(h.Timing.SyncRefreshInterval);
        h.Server.SendBookmark();
        await h.Publisher.WaitUntilAsync(p => p.Received.Count > received);
        Assert.Equal(["data-service"], h.Publisher.Received.Skip(received).Select(r => r.Service).Distinct());
        Assert.Empty(h.Publisher.Current["churn-999"].Endpoints);
        Assert.True(h.Publisher.Current["churn-999"].Withdrawn);
    }
}
