using System.Diagnostics;
using k8s.Models;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Discovery.Kubernetes;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Tests.Fakes;
using static TradingAgents.Actors.Tests.Fakes.Slices;

namespace TradingAgents.Actors.Tests.EndToEnd;

[Collection(KubernetesClusterCollection.Name)]
public sealed class KubernetesEndToEndTests(KubernetesClusterFixture fixture)
{
    private const int Changes = 40;

    [Fact]
    public async Task SelectAsync_SlicesChurned_NeverReturnsARemovedOrNotReadyEndpointOnceDelivered()
    {
        var server = fixture.Server;
        var random = new Random(20261125);

        // Endpoint i lives at 127.0.0.1:(21000 + i); each is in one of two slices, with a state.
        var state = Enumerable.Range(0, 8).Select(i => (Slice: i % 2, State: Condition.Ready)).ToArray();
        var violations = new List<string>();
        var grain = fixture.Client.GetGrain<IServiceGrain>(KubernetesClusterFixture.Service);
        var selected = 0;

        for (var change = 0; change <= Changes; change++)
        {
            if (change > 0)
            {
                var i = random.Next(state.Length);
                state[i] = random.Next(4) switch
                {
                    0 => (1 - state[i].Slice, state[i].State),
                    1 => (state[i].Slice, Condition.Removed),
                    2 => (state[i].Slice, Condition.NotReady),
                    _ => (state[i].Slice, random.Next(2) == 0 ? Condition.Ready : Condition.Draining),
                };
            }

            // Both slices are written for every change, as the controller does when an endpoint moves.
            server.Apply(BuildSlice(0, state));
            var version = server.Apply(BuildSlice(1, state));
            await WaitForVersionAsync(grain, version);

            var ready = Ids(state, Condition.Ready);
            var allowed = ready.Count > 0 ? ready : Ids(state, Condition.Draining);
            for (var call = 0; call < 2 * state.Length; call++)
            {
                var selection = await grain.SelectAsync();
                selected += selection.IsSelected ? 1 : 0;
                if (selection.IsSelected && !allowed.Contains(selection.Endpoint.InstanceId))
                {
                    violations.Add($"change {change} (version {version}): selected {selection.Endpoint.InstanceId}, allowed [{string.Join(", ", allowed)}]");
                }

                if (!selection.IsSelected && allowed.Count > 0)
                {
                    violations.Add($"change {change}: nothing selected ({selection.Status}: {selection.Reason}) although [{string.Join(", ", allowed)}] are usable");
                }
            }
        }

        Assert.Empty(violations);
        Assert.True(selected > Changes, $"only {selected} selections succeeded");

        // Every silo runs its own watcher: one list each, no leader.
        Assert.Equal(fixture.Cluster.Silos.Count, server.Requests.Count(r => r.IsList));
    }

    private static async Task WaitForVersionAsync(IServiceGrain grain, long version)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var snapshot = await grain.GetSnapshotAsync();
            if (snapshot.Sources.Any(s => s.Source == EndpointSliceWatcher.SourceName && s.Version >= version))
            {
                return;
            }

            if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(10))
            {
                throw new TimeoutException($"Version {version} never reached the grain; sources: {string.Join(", ", snapshot.Sources)}");
            }

            // Yield to the silos between observations; this is not a timed expectation.
            await Task.Yield();
        }
    }

    // Endpoint i is 127.0.1.(i + 1):8080: distinct loopback addresses, since a slice has one port list.
    private static V1EndpointSlice BuildSlice(int slice, (int Slice, Condition State)[] state) =>
        Create(
            $"{KubernetesClusterFixture.Service}-{slice}",
            KubernetesClusterFixture.Service,
            state.Select((e, i) => (e.Slice, e.State, Address: $"127.0.1.{i + 1}"))
                .Where(x => x.Slice == slice && x.State != Condition.Removed)
                .Select(x => x.State switch
                {
                    Condition.Ready => Endpoint(x.Address),
                    Condition.Draining => Endpoint(x.Address, ready: false, serving: true, terminating: true),
                    _ => Endpoint(x.Address, ready: false, serving: false, terminating: false),
                }));

    private static HashSet<string> Ids((int Slice, Condition State)[] state, Condition condition) =>
        [.. state.Select((e, i) => (e, i)).Where(x => x.e.State == condition).Select(x => $"127.0.1.{x.i + 1}:8080")];

    private enum Condition
    {
        Ready,
        Draining,
        NotReady,
        Removed,
    }
}
