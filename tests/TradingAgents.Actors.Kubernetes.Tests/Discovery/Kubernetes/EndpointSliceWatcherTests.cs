using System.Globalization;
using System.Net;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Discovery.Kubernetes;
using TradingAgents.Actors.Tests.Fakes;
using static TradingAgents.Actors.Tests.Fakes.Slices;

namespace TradingAgents.Actors.Tests.Discovery.Kubernetes;

public sealed class EndpointSliceWatcherTests
{
    private static readonly TimeSpan Backoff = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Start_InitialList_PublishesEveryServiceAtTheListVersionThenWatchesFromIt()
    {
        await using var h = await WatcherHarness.CreateAsync(seed: s =>
        {
            s.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.1", zone: "z1", node: "n1", pod: "data-0")]));
            s.Apply(Create("data-b", "data-service", [Endpoint("10.0.0.2")]));
            s.Apply(Create("llm-a", "llm-service", [Endpoint("10.0.1.1")]));
            s.Apply(Create("other-ns", "llm-service", [Endpoint("10.9.9.9")], @namespace: "elsewhere"));
        });

        await h.StartAsync();
        await h.Publisher.WaitUntilAsync(p => p.Current.Count == 2);

        var listVersion = h.Server.Revision;
        Assert.Equal(["10.0.0.1:8080", "10.0.0.2:8080"], h.Publisher.InstanceIds("data-service"));
        Assert.Equal(["10.0.1.1:8080"], h.Publisher.InstanceIds("llm-service"));
        var data = h.Publisher.Current["data-service"];
        Assert.Equal(EndpointSliceWatcher.SourceName, data.Source);
        Assert.Equal(listVersion, data.Version);
        Assert.Equal(h.Time.GetUtcNow(), data.SyncedAt);
        Assert.Equal(new ServiceEndpoint("10.0.0.1", 8080, EndpointConditions.ReadyToServe, "z1", "n1", 1, "data-0"), data.Endpoints[0]);

        var requests = h.Server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.True(requests[0].IsList);
        Assert.Equal("/apis/discovery.k8s.io/v1/namespaces/trading-system/endpointslices", requests[0].Path);
        Assert.True(requests[1].IsWatch);
        Assert.Equal(listVersion.ToString(CultureInfo.InvariantCulture), requests[1].ResourceVersion);
        Assert.True(requests[1].AllowBookmarks);
        Assert.Equal(300, requests[1].TimeoutSeconds);
    }

    [Fact]
    public async Task Watch_AddModifyDelete_PublishesWholeSetsAtTheEventVersions()
    {
        await using var h = await WatcherHarness.CreateAsync(seed: s => s.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.1")])));
        await h.StartAsync();

        var added = h.Server.Apply(Create("data-b", "data-service", [Endpoint("10.0.0.2")]));
        await h.Publisher.WaitUntilAsync(p => p.Current["data-service"].Version == added);
        Assert.Equal(["10.0.0.1:8080", "10.0.0.2:8080"], h.Publisher.InstanceIds("data-service"));

        var modified = h.Server.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.3")]));
        await h.Publisher.WaitUntilAsync(p => p.Current["data-service"].Version == modified);
        Assert.Equal(["10.0.0.2:8080", "10.0.0.3:8080"], h.Publisher.InstanceIds("data-service"));

        var deleted = h.Server.Delete(Namespace, "data-b");
        await h.Publisher.WaitUntilAsync(p => p.Current["data-service"].Version == deleted);
        Assert.Equal(["10.0.0.3:8080"], h.Publisher.InstanceIds("data-service"));

        var last = h.Server.Delete(Namespace, "data-a");
        await h.Publisher.WaitUntilAsync(p => p.Current["data-service"].Version == last);
        Assert.Empty(h.Publisher.InstanceIds("data-service"));
    }

    [Fact]
    public async Task Watch_EndpointMovesBetweenSlices_StaysPublishedOnceThroughout()
    {
        await using var h = await WatcherHarness.CreateAsync(seed: s =>
        {
            s.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.1"), Endpoint("10.0.0.2")]));
            s.Apply(Create("data-b", "data-service", [Endpoint("10.0.0.3")]));
        });
        await h.StartAsync();

        // The endpoint controller adds the address to the new slice first, then removes it from the old one.
        var copied = h.Server.Apply(Create("data-b", "data-service", [Endpoint("10.0.0.3"), Endpoint("10.0.0.2")]));
        await h.Publisher.WaitUntilAsync(p => p.Current["data-service"].Version == copied);
        Assert.Equal(["10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.3:8080"], h.Publisher.InstanceIds("data-service"));

        var moved = h.Server.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.1")]));
        await h.Publisher.WaitUntilAsync(p => p.Current["data-service"].Version == moved);
        Assert.Equal(["10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.3:8080"], h.Publisher.InstanceIds("data-service"));
        Assert.All(h.Publisher.Received, r => Assert.Equal(r.Update.Endpoints.Length, r.Update.Endpoints.Select(e => e.InstanceId).Distinct().Count()));
    }

    [Fact]
    public async Task Watch_NotReadyAndTerminatingEndpoints_DropsNotReadyAndKeepsServingTerminatingAsDraining()
    {
        await using var h = await WatcherHarness.CreateAsync(seed: s => s.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.1")])));
        await h.StartAsync();

        var version = h.Server.Apply(Create("data-a", "data-service",
        [
            Endpoint("10.0.0.1"),
            Endpoint("10.0.0.2", ready: false, serving: false, terminating: false),
            Endpoint("10.0.0.3", ready: false, serving: true, terminating: true),
            Endpoint("10.0.0.4", ready: false, serving: false, terminating: true),
        ]));
        await h.Publisher.WaitUntilAsync(p => p.Current["data-service"].Version == version);

        var endpoints = h.Publisher.Current["data-service"].Endpoints;
        Assert.Equal(["10.0.0.1:8080", "10.0.0.3:8080"], endpoints.Select(e => e.InstanceId));
        Assert.Equal(EndpointConditions.ReadyToServe, endpoints[0].Conditions);
        Assert.Equal(EndpointConditions.Draining, endpoints[1].Conditions);
    }

    [Fact]
    public async Task Watch_StreamClosedByServer_ResumesFromLastVersionWithoutRelist()
    {
        await using var h = await WatcherHarness.CreateAsync(seed: s => s.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.1")])));
        await h.StartAsync();
        var seen = h.Server.Apply(Create("data-b", "data-service", [Endpoint("10.0.0.2")]));
        await h.Publisher.WaitUntilAsync(p => p.Current["data-service"].Version == seen);

        h.Server.CloseWatches();
        await h.Server.WaitForRequestsAsync(r => r.Count(x => x.IsWatch) == 2 && h.Server.ActiveWatches == 1);
        var after = h.Server.Apply(Create("data-c", "data-service", [Endpoint("10.0.0.3")]));
        await h.Publisher.WaitUntilAsync(p => p.Current["data-service"].Version == after);

        Assert.Equal(1, h.ListRequests);
        Assert.Equal(seen.ToString(CultureInfo.InvariantCulture), h.WatchRequests[1].ResourceVersion);
        Assert.Equal(["10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.3:8080"], h.Publisher.InstanceIds("data-service"));
        Assert.Equal(1, h.RestartCount("closed"));
    }

    [Fact]
    public async Task Watch_EmptyStreamEnd_ResumesAtOnceFromTheListVersion()
    {
        await using var h = await WatcherHarness.CreateAsync(seed: s => s.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.1")])));
        await h.StartAsync();
        var listVersion = h.Server.Revision.ToString(CultureInfo.InvariantCulture);

        // No line was sent on this watch: KubernetesClient reports the end as an EndOfStreamException.
        h.Server.CloseWatches();
        await h.Server.WaitForRequestsAsync(r => r.Count(x => x.IsWatch) == 2 && h.Server.ActiveWatches == 1);

        Assert.Equal(1, h.ListRequests);
        Assert.Equal([listVersion, listVersion], h.WatchRequests.Select(r => r.ResourceVersion));
        Assert.Equal(1, h.RestartCount("closed"));
        Assert.Equal(0, h.RestartCount("transport"));
    }

    [Fact]
    public async Task Watch_BookmarkThenClose_ResumesFromTheBookmarkVersion()
    {
        await using var h = await WatcherHarness.CreateAsync(seed: s => s.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.1")])));
        await h.StartAsync();

        // A change elsewhere moves the revision; the watch (one namespace) sees only the bookmark.
        var elsewhere = h.Server.Apply(Create("x", "x", [Endpoint("10.1.0.1")], @namespace: "elsewhere"));
        h.Server.SendBookmark();
        h.Server.CloseWatches();
        await h.Server.WaitForRequestsAsync(r => r.Count(x => x.IsWatch) == 2);

        Assert.Equal(elsewhere.ToString(CultureInfo.InvariantCulture), h.WatchRequests[1].ResourceVersion);
        Assert.Equal(1, h.ListRequests);
    }

    [Theory]
    [InlineData(ExpiryMode.ErrorEvent)]
    [InlineData(ExpiryMode.HttpStatus)]
    public async Task Watch_ResourceVersionExpired_RelistsAndPublishesTheApiState(ExpiryMode mode)
    {
        await using var h = await WatcherHarness.CreateAsync(seed: s =>
        {
            s.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.1")]));
            s.Apply(Create("data-b", "data-service", [Endpoint("10.0.0.2")]));
            s.Apply(Create("llm-a", "llm-service", [Endpoint("10.0.1.1")]));
        });
        h.Server.ExpiryMode = mode;
        await h.StartAsync();
        await h.Publisher.WaitUntilAsync(p => p.Current.Count == 2);

        // Disconnect, change things while the watcher backs off, then compact past its resume version.
        h.Server.FailNext(1, HttpStatusCode.ServiceUnavailable);
        h.Server.CloseWatches();
        await h.Server.WaitForRequestsAsync(r => r.Count(x => x.IsWatch) == 2 && h.Server.ActiveWatches == 0);
        h.Server.Delete(Namespace, "data-b");
        h.Server.Apply(Create("data-c", "data-service", [Endpoint("10.0.0.3")]));
        h.Server.Delete(Namespace, "llm-a");
        h.Server.Compact();
        var expected = h.Server.Revision;

        await h.PumpUntilAsync(() => h.ListRequests == 2 && h.Server.ActiveWatches == 1, Backoff);
        await h.Publisher.WaitUntilAsync(p => p.Current["data-service"].Version == expected && p.Current["llm-service"].Version == expected);

        Assert.Equal(["10.0.0.1:8080", "10.0.0.3:8080"], h.Publisher.InstanceIds("data-service"));
        Assert.Empty(h.Publisher.InstanceIds("llm-service"));
        Assert.Equal(1, h.RestartCount("expired"));
        Assert.Equal(1, h.Relists.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(expected.ToString(CultureInfo.InvariantCulture), h.WatchRequests[^1].ResourceVersion);
    }

    [Fact]
    public async Task Watch_ErrorEventOtherThanExpired_BacksOffAndResumesWithoutRelist()
    {
        await using var h = await WatcherHarness.CreateAsync(seed: s => s.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.1")])));
        await h.StartAsync();
        var listVersion = h.Server.Revision.ToString(CultureInfo.InvariantCulture);

        h.Server.SendRawLine("{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"etcd unavailable\",\"reason\":\"InternalError\",\"code\":500}}");
        h.Server.CloseWatches();
        await h.Server.WaitForRequestsAsync(_ => h.Server.ActiveWatches == 0);
        await h.PumpUntilAsync(() => h.Server.ActiveWatches == 1, Backoff);

        Assert.Equal(1, h.RestartCount("error_event"));
        Assert.Equal(0, h.RestartCount("expired"));
        Assert.Equal(1, h.ListRequests);
        Assert.Equal([listVersion, listVersion], h.WatchRequests.Select(r => r.ResourceVersion));
    }

    [Fact]
    public async Task Watch_ConnectionReset_ReconnectsAfterBackoffAndDeliversChangesMadeMeanwhile()
    {
        await using var h = await WatcherHarness.CreateAsync(seed: s => s.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.1")])));
        await h.StartAsync();
        var listVersion = h.Server.Revision.ToString(CultureInfo.InvariantCulture);

        h.Server.ResetWatches();
        await h.Server.WaitForRequestsAsync(_ => h.Server.ActiveWatches == 0);
        var meanwhile = h.Server.Apply(Create("data-b", "data-service", [Endpoint("10.0.0.2")]));
        await h.PumpUntilAsync(() => h.Publisher.Current["data-service"].Version == meanwhile, Backoff);

        Assert.Equal(["10.0.0.1:8080", "10.0.0.2:8080"], h.Publisher.InstanceIds("data-service"));
        Assert.Equal(1, h.ListRequests);
        Assert.Equal(listVersion, h.WatchRequests[1].ResourceVersion);
        Assert.Equal(1, h.RestartCount("transport"));
    }

    [Fact]
    public async Task Watch_ServerHangsWithoutBytes_WatchdogCancelsAndReconnects()
    {
        await using var h = await WatcherHarness.CreateAsync(seed: s => s.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.1")])));
        await h.StartAsync();
        h.Server.HangWatches = true;
        h.Server.CloseWatches();
        await h.Server.WaitForRequestsAsync(r => r.Count(x => x.IsWatch) == 2);
        h.Server.HangWatches = false;

        var silence = h.Options.Kubernetes.WatchTimeout + h.Timing.WatchdogMargin;
        await h.PumpUntilAsync(() => h.Server.ActiveWatches == 1, silence);
        var after = h.Server.Apply(Create("data-b", "data-service", [Endpoint("10.0.0.2")]));
        await h.Publisher.WaitUntilAsync(p => p.Current["data-service"].Version == after);

        Assert.Equal(1, h.RestartCount("watchdog"));
        Assert.Equal(1, h.ListRequests);
        Assert.Equal(3, h.WatchRequests.Count);
    }

    [Fact]
    public async Task Watch_SilentEstablishedStream_WatchdogReconnectsWithoutRelist()
    {
        await using var h = await WatcherHarness.CreateAsync(seed: s => s.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.1")])));
        await h.StartAsync();

        h.Time.Advance(h.Options.Kubernetes.WatchTimeout + h.Timing.WatchdogMargin);
        await h.Server.WaitForRequestsAsync(r => r.Count(x => x.IsWatch) == 2 && h.Server.ActiveWatches == 1);

        Assert.Equal(1, h.RestartCount("watchdog"));
        Assert.Equal(1, h.ListRequests);
    }

    [Fact]
    public async Task Watch_MalformedLine_IsSkippedAndCountedAndTheWatchResumesWithoutRelist()
    {
        await using var h = await WatcherHarness.CreateAsync(seed: s => s.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.1")])));
        await h.StartAsync();
        var listVersion = h.Server.Revision.ToString(CultureInfo.InvariantCulture);

        h.Server.SendRawLine("{\"type\":\"MODIFIED\",\"object\":{\"metadata\":");
        var after = h.Server.Apply(Create("data-b", "data-service", [Endpoint("10.0.0.2")]));
        await h.Publisher.WaitUntilAsync(p => p.Current["data-service"].Version == after);

        // KubernetesClient ends the stream at a line that is not JSON; the watcher resumes from the last good version.
        Assert.Equal(1, h.RejectedCount("malformed_line"));
        Assert.Equal(1, h.ListRequests);
        Assert.Equal([listVersion, listVersion], h.WatchRequests.Select(r => r.ResourceVersion));
        Assert.Equal(["10.0.0.1:8080", "10.0.0.2:8080"], h.Publisher.InstanceIds("data-service"));
    }

    [Fact]
    public async Task Watch_ApiDownThenUp_KeepsLastKnownSetsMeanwhileAndConvergesAfter()
    {
        await using var h = await WatcherHarness.CreateAsync(seed: s =>
        {
            s.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.1")]));
            s.Apply(Create("data-b", "data-service", [Endpoint("10.0.0.2")]));
        });
        await h.StartAsync();
        await h.Publisher.WaitUntilAsync(p => p.Current.ContainsKey("data-service"));
        var before = h.Publisher.Current["data-service"];
        var publishedBefore = h.Publisher.Received.Count;

        h.Server.Down = true;
        h.Server.ResetWatches();
        await h.PumpUntilAsync(() => h.ListRequests >= 3, Backoff);
        var removed = h.Server.Delete(Namespace, "data-b");

        // While down: nothing but sync refreshes of the same set, never an empty or changed one.
        Assert.All(h.Publisher.Received.Skip(publishedBefore), r => Assert.Equal(before.Endpoints, r.Update.Endpoints));
        Assert.Equal(before.Endpoints, h.Publisher.Current["data-service"].Endpoints);
        Assert.Contains(h.Logs.GetSnapshot(), r => r.Id.Name == "WatchFailed");

        h.Server.Down = false;
        await h.PumpUntilAsync(() => h.Publisher.Current["data-service"].Version == removed, h.Timing.MaxBackoff);

        Assert.Equal(["10.0.0.1:8080"], h.Publisher.InstanceIds("data-service"));

        // RelistAfterWatchFailures watches from the held version failed (the reset one included), and
        // from there on the watcher lists until the API answers.
        var heldVersion = before.Version.ToString(CultureInfo.InvariantCulture);
        Assert.Equal(h.Timing.RelistAfterWatchFailures, h.WatchRequests.Count(r => r.ResourceVersion == heldVersion));
        Assert.Contains(h.Logs.GetSnapshot(), r => r.Id.Name == "RelistAfterWatchFailures");

        // "Recovered" is logged once the watcher marks progress, which may follow the publish above.
        await h.PumpUntilAsync(() => h.Logs.GetSnapshot().Any(r => r.Id.Name == "Recovered"), h.Timing.MaxBackoff);
        Assert.Contains(h.Logs.GetSnapshot(), r => r.Id.Name == "Recovered");
    }

    [Fact]
    public async Task Start_CredentialsRejected_LogsOneErrorRetriesAndRecovers()
    {
        await using var h = await WatcherHarness.CreateAsync(seed: s => s.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.1")])));
        h.Server.FailNext(3, HttpStatusCode.Unauthorized);

        await h.Watcher.StartAsync(CancellationToken.None);
        await h.PumpUntilAsync(() => h.Publisher.Current.ContainsKey("data-service"), h.Timing.MaxBackoff);

        var errors = h.Logs.GetSnapshot().Where(r => r.Level == Microsoft.Extensions.Logging.LogLevel.Error).ToList();
        Assert.True(errors.Count == 1, h.LogText());
        var error = errors[0];
        Assert.Equal("CredentialsRejected", error.Id.Name);
        Assert.Contains("401", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, h.RestartCount("unauthorized"));
        Assert.Equal(4, h.ListRequests);
    }

    [Fact]
    public async Task Watch_HostileObjects_AreSkippedCountedAndNeverCrashTheWatcher()
    {
        await using var h = await WatcherHarness.CreateAsync(seed: s =>
        {
            s.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.1")]));
            s.Apply(Create("bad-list", "data-service", [Endpoint("not-an-ip")]));
        });
        await h.StartAsync();
        Assert.Equal(1, h.RejectedCount("invalid_address"));

        string Slice(long v, string body) =>
            $"{{\"apiVersion\":\"discovery.k8s.io/v1\",\"kind\":\"EndpointSlice\",\"metadata\":{{\"name\":\"h{v}\",\"namespace\":\"trading-system\",\"resourceVersion\":\"{v}\",\"labels\":{{\"kubernetes.io/service-name\":\"data-service\"}}}},{body}}}";
        h.Server.SendRawEvent("ADDED", v => Slice(v, "\"addressType\":\"IPv4\",\"ports\":[{\"name\":\"http\",\"port\":70000}],\"endpoints\":[{\"addresses\":[\"10.0.0.9\"]}]"));
        h.Server.SendRawEvent("ADDED", v => Slice(v, "\"addressType\":\"AppleTalk\",\"ports\":[{\"name\":\"http\",\"port\":80}],\"endpoints\":[]"));
        h.Server.SendRawEvent("ADDED", v => Slice(v, "\"addressType\":\"IPv6\",\"ports\":[{\"name\":\"http\",\"port\":80}],\"endpoints\":[{\"addresses\":[\"10.0.0.9\"]}]"));
        h.Server.SendRawEvent("ADDED", v => Slice(v, "\"addressType\":\"IPv4\",\"ports\":[{\"name\":\"http\",\"port\":80}],\"endpoints\":[" + string.Join(",", Enumerable.Range(0, 1001).Select(i => $"{{\"addresses\":[\"10.2.{i / 250}.{i % 250}\"]}}")) + "]"));
        h.Server.SendRawEvent("ADDED", v => Slice(v, "\"addressType\":\"IPv4\",\"endpoints\":[{\"addresses\":[]}]"));
        h.Server.SendRawEvent("ADDED", _ => "{\"metadata\":{\"name\":\"nover\",\"resourceVersion\":\"abc\"},\"addressType\":\"IPv4\"}");
        h.Server.SendRawEvent("ADDED", v => $"{{\"metadata\":{{\"name\":\"nolabel\",\"resourceVersion\":\"{v}\"}},\"addressType\":\"IPv4\"}}");
        h.Server.SendRawEvent("ADDED", v => $"{{\"metadata\":{{\"resourceVersion\":\"{v}\"}},\"addressType\":\"IPv4\"}}");
        var after = h.Server.Apply(Create("data-b", "data-service", [Endpoint("10.0.0.2")]));
        await h.Publisher.WaitUntilAsync(p => p.Current["data-service"].Version == after);

        Assert.Equal(["10.0.0.1:8080", "10.0.0.2:8080"], h.Publisher.InstanceIds("data-service"));
        Assert.Equal(1, h.RejectedCount("invalid_port"));
        Assert.Equal(1, h.RejectedCount("unknown_address_type"));
        Assert.Equal(3, h.RejectedCount("invalid_address"));
        Assert.Equal(1, h.RejectedCount("too_many_endpoints"));
        Assert.Equal(1, h.RejectedCount("invalid_resource_version"));
        Assert.Equal(1, h.RejectedCount("missing_service_label"));
        Assert.Equal(1, h.RejectedCount("missing_metadata"));
        Assert.Single(h.WatchRequests);
    }

    [Fact]
    public async Task Watch_SliceBecomesBroken_ItsOldEndpointsAreWithdrawn()
    {
        await using var h = await WatcherHarness.CreateAsync(seed: s =>
        {
            s.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.1")]));
            s.Apply(Create("data-b", "data-service", [Endpoint("10.0.0.2")]));
        });
        await h.StartAsync();

        var broken = h.Server.SendRawEvent("MODIFIED", v =>
            $"{{\"metadata\":{{\"name\":\"data-b\",\"namespace\":\"trading-system\",\"resourceVersion\":\"{v}\",\"labels\":{{\"kubernetes.io/service-name\":\"data-service\"}}}},\"addressType\":\"IPv4\",\"ports\":[{{\"name\":\"http\",\"port\":0}}],\"endpoints\":[]}}");
        await h.Publisher.WaitUntilAsync(p => p.Current["data-service"].Version == broken);

        Assert.Equal(["10.0.0.1:8080"], h.Publisher.InstanceIds("data-service"));
    }

    [Fact]
    public async Task Publish_LogicalNames_MapsConfiguredNamesAndKeepsDiscoveredOnesUnlessRestricted()
    {
        static void Seed(FakeKubernetesApiServer s)
        {
            s.Apply(Create("ae-a", "analysis-engine-service", [Endpoint("10.0.0.1")], portName: "api", port: 9000));
            s.Apply(Create("other-a", "other", [Endpoint("10.0.0.2")]));
        }

        static void Configure(ServiceDiscoveryOptions o) =>
            o.Services["analysis-engine"] = new ServiceOptions { ServiceName = "analysis-engine-service", PortName = "api" };

        await using (var open = await WatcherHarness.CreateAsync(Seed, Configure))
        {
            await open.StartAsync();
            await open.Publisher.WaitUntilAsync(p => p.Current.Count == 2);
            Assert.Equal(["10.0.0.1:9000"], open.Publisher.InstanceIds("analysis-engine"));
            Assert.Equal(["10.0.0.2:8080"], open.Publisher.InstanceIds("other"));
        }

        await using var restricted = await WatcherHarness.CreateAsync(Seed, o =>
        {
            Configure(o);
            o.Kubernetes.RestrictToConfigured = true;
        });
        await restricted.StartAsync();
        await restricted.Publisher.WaitUntilAsync(p => p.Current.ContainsKey("analysis-engine"));
        var last = restricted.Server.Apply(Create("ae-b", "analysis-engine-service", [Endpoint("10.0.0.3")], portName: "api", port: 9000));
        await restricted.Publisher.WaitUntilAsync(p => p.Current["analysis-engine"].Version == last);
        Assert.Equal(["analysis-engine"], restricted.Publisher.Received.Select(r => r.Service).Distinct());
    }

    [Fact]
    public async Task Bookmark_AfterSyncRefreshInterval_RepublishesTheSameVersionWithANewSyncTime()
    {
        await using var h = await WatcherHarness.CreateAsync(seed: s => s.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.1")])));
        await h.StartAsync();
        await h.Publisher.WaitUntilAsync(p => p.Current.ContainsKey("data-service"));
        var first = h.Publisher.Current["data-service"];

        h.Server.SendBookmark();
        h.Time.Advance(h.Timing.SyncRefreshInterval);
        h.Server.SendBookmark();
        await h.Publisher.WaitUntilAsync(p => p.Current["data-service"].SyncedAt > first.SyncedAt);

        var refreshed = h.Publisher.Current["data-service"];
        Assert.Equal(first.Version, refreshed.Version);
        Assert.Equal(first.SyncedAt + h.Timing.SyncRefreshInterval, refreshed.SyncedAt);
        Assert.Equal(2, h.Publisher.Received.Count);
    }

    [Fact]
    public async Task List_MoreSlicesThanPageSize_FollowsContinueTokens()
    {
        await using var h = await WatcherHarness.CreateAsync(
            seed: s =>
            {
                for (var i = 0; i < 5; i++)
                {
                    s.Apply(Create($"data-{i}", "data-service", [Endpoint($"10.0.0.{i + 1}")]));
                }
            },
            timing: t => t.ListPageSize = 2);
        await h.StartAsync();
        await h.Publisher.WaitUntilAsync(p => p.Current.ContainsKey("data-service"));

        Assert.Equal(5, h.Publisher.InstanceIds("data-service").Count);
        Assert.Equal(3, h.ListRequests);
        Assert.Equal(h.Server.Revision.ToString(CultureInfo.InvariantCulture), h.WatchRequests[0].ResourceVersion);
    }

    [Fact]
    public async Task Publish_DeliveryFails_IsRetriedUntilItSucceeds()
    {
        await using var h = await WatcherHarness.CreateAsync(seed: s => s.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.1")])));
        h.Publisher.FailNext(2);
        await h.StartAsync();

        await h.PumpUntilAsync(() => h.Publisher.Current.ContainsKey("data-service"), h.Timing.PublishRetryDelay);

        Assert.Equal(["10.0.0.1:8080"], h.Publisher.InstanceIds("data-service"));
        Assert.Equal(3, h.Publisher.Received.Count);
    }

    [Fact]
    public async Task Stop_ClosesTheWatchAndMakesNoFurtherRequests()
    {
        await using var h = await WatcherHarness.CreateAsync(seed: s => s.Apply(Create("data-a", "data-service", [Endpoint("10.0.0.1")])));
        await h.StartAsync();

        await h.Watcher.StopAsync(CancellationToken.None);
        await h.Server.WaitForNoWatchesAsync();
        var requests = h.Server.Requests.Count;
        h.Time.Advance(h.Timing.MaxBackoff);

        Assert.Equal(0, h.Server.ActiveWatches);
        Assert.Equal(requests, h.Server.Requests.Count);
    }
}
