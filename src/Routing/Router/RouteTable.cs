using System.Collections.Frozen;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Discovery;

namespace TradingAgents.Actors.Routing;

/// <summary>
/// One routing snapshot prepared for picking: its instances grouped by what traffic they may take, each
/// bound to this process's load for it. Immutable; a router swaps the whole table when a snapshot arrives.
/// </summary>
internal sealed class RouteTable
{
    /// <summary>How often <see cref="RefreshRamps"/> recomputes slow-start factors: fine next to ramps of seconds to minutes.</summary>
    internal static readonly TimeSpan RampRefreshInterval = TimeSpan.FromMilliseconds(10);

    private readonly RouteEndpoint[] _ramping;
    private readonly TimeProvider? _clock;
    private long _rampsRefreshedAt;

    private RouteTable(RoutingSnapshot snapshot, RouteEndpoint[] all, TimeProvider? clock = null)
    {
        Snapshot = snapshot;
        All = all;
        _ramping = [.. all.Where(static e => e.IsRamping)];
        _clock = _ramping.Length == 0 ? null : clock ?? TimeProvider.System;
        _rampsRefreshedAt = _clock?.GetTimestamp() ?? 0;
        Selectable = [.. all.Where(e => e.Instance.Availability == InstanceAvailability.Selectable)];
        DrainingOnly = [.. all.Where(e => e.Instance.Availability == InstanceAvailability.DrainingOnly)];
        TrialOnly = [.. all.Where(e => e.Instance.Availability == InstanceAvailability.TrialOnly)];
        ById = all.ToFrozenDictionary(e => e.InstanceId, StringComparer.Ordinal);
    }

    public RoutingSnapshot Snapshot { get; }

    /// <summary>Every instance, ordered by instance id.</summary>
    public RouteEndpoint[] All { get; }

    /// <summary>Instances that take ordinary traffic.</summary>
    public RouteEndpoint[] Selectable { get; }

    /// <summary>Serving-but-terminating instances: the last resort.</summary>
    public RouteEndpoint[] DrainingOnly { get; }

    /// <summary>Half-open instances: only calls holding a trial lease.</summary>
    public RouteEndpoint[] TrialOnly { get; }

    public FrozenDictionary<string, RouteEndpoint> ById { get; }

    private LocalityPlan? _plan;

    /// <summary>The locality plan of this table for a process in <paramref name="zone"/> on <paramref name="node"/>; built once, then cached.</summary>
    public LocalityPlan PlanFor(string? zone, string? node, ZoneAffinityOptions options)
    {
        if (Volatile.Read(ref _plan) is { } plan && plan.IsFor(zone, node, options))
        {
            return plan;
        }

        plan = LocalityPlan.Build(this, zone, node, options);
        Volatile.Write(ref _plan, plan);
        return plan;
    }

    /// <summary>
    /// Builds the table for <paramref name="snapshot"/>. Instances also in <paramref name="previous"/>
    /// keep their <see cref="EndpointLoad"/> (in-flight calls, local failures, leases); new ones get a new one.
    /// <paramref name="clock"/> is the router's clock, which slow-start ramps are computed from (the system clock when null).
    /// </summary>
    public static RouteTable Build(RoutingSnapshot snapshot, RouteTable? previous, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var instances = snapshot.Instances.IsDefault ? [] : snapshot.Instances;

        // An instance without a latency sample scores as the slowest measured one: never preferred over
        // instances known to be fast, never starved for lack of a sample.
        var slowestMeasured = 0.0;
        foreach (var instance in instances)
        {
            if (instance.Measured && instance.EwmaLatencyMs > slowestMeasured)
            {
                slowestMeasured = instance.EwmaLatencyMs;
            }
        }

        var all = new RouteEndpoint[instances.Length];
        for (var i = 0; i < instances.Length; i++)
        {
            var instance = instances[i];
            var load = previous is not null && previous.ById.TryGetValue(instance.InstanceId, out var held) ? held.Load : new EndpointLoad();
            var latencyMs = instance.Measured ? instance.EwmaLatencyMs : slowestMeasured;
            all[i] = new RouteEndpoint(instance, load, Math.Max(0, latencyMs) / 1000.0, Math.Max(1, instance.Weight), clock);
        }

        return new RouteTable(snapshot, all, clock);
    }

    /// <summary>
    /// Recomputes the slow-start factors of ramping instances when the last refresh is older than
    /// <see cref="RampRefreshInterval"/>. Called before each pick: without ramps it returns at once; with ramps it
    /// costs one timestamp read, and one clock read per instance every 10 ms. Concurrent callers may both refresh,
    /// which only writes the same values.
    /// </summary>
    public void RefreshRamps()
    {
        if (_clock is not { } clock)
        {
            return;
        }

        var now = clock.GetTimestamp();
        if (clock.GetElapsedTime(Volatile.Read(ref _rampsRefreshedAt), now) < RampRefreshInterval)
        {
            return;
        }

        Volatile.Write(ref _rampsRefreshedAt, now);
        foreach (var endpoint in _ramping)
        {
            endpoint.RefreshWeightFactor();
        }
    }

    /// <summary>A table for a service whose snapshot has not arrived yet.</summary>
    public static RouteTable Pending(string service, string reason) => new(
        new RoutingSnapshot(service, Guid.Empty, -1, SelectionStatus.NoEndpoints, string.Empty, DateTimeOffset.MinValue, [], reason),
        []);

    /// <summary>Why nothing is selectable, for logs and problem bodies.</summary>
    public string DescribeNoneSelectable(Func<RouteEndpoint, string?> localReason)
    {
        var snapshot = Snapshot;
        if (snapshot.Status != SelectionStatus.Selected)
        {
            return snapshot.Reason ?? snapshot.Status.ToString();
        }

        if (snapshot.Panic == PanicState.FailFast && snapshot.PanicReason is { } panic)
        {
            return $"Service '{snapshot.Service}' fails fast: {panic}.";
        }

        var reasons = All
            .Select(e => localReason(e) ?? e.Instance.Reason ?? e.Instance.Availability.ToString())
            .GroupBy(r => r, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .Select(g => $"{g.Count()} {g.Key}");
        return $"Service '{snapshot.Service}' has {All.Length} endpoint(s) and none is selectable: {string.Join(", ", reasons)}.";
    }
}
