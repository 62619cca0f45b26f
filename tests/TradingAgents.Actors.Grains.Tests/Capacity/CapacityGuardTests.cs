using TradingAgents.Actors.Capacity;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Tests.Capacity;

public sealed class CapacityGuardTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    private static FleetControls Controls(int maxEjection = 50, int panic = 50, bool failFast = false) =>
        FleetControls.Default with { MaxEjectionPercent = maxEjection, PanicThreshold = panic, FailFastOnPanic = failFast };

    private static InstanceEntry Entry(int port, CircuitState circuit = CircuitState.Closed, HealthState health = HealthState.Healthy,
        int failures = 0, bool trialAvailable = false, DateTimeOffset? backoffUntil = null, EndpointConditions? conditions = null, OperatorAction? operatorAction = null)
    {
        var endpoint = new ServiceEndpoint("127.0.0.1", port, conditions ?? EndpointConditions.ReadyToServe);
        var entry = new InstanceEntry(endpoint, ["test"]);
        var overridden = operatorAction is { } action ? new InstanceOverride(action, "alice", Now, "test") : null;
        entry.Apply(new InstanceStatus(endpoint.InstanceId, Guid.NewGuid(), 1, circuit, health, trialAvailable, 5, failures, 10, null, 1, backoffUntil, true, overridden));
        return entry;
    }

    private static InstanceAvailability[] Availabilities(CapacityPlan plan) => [.. plan.Decisions.Select(d => d.Availability)];

    [Fact]
    public void Apply_EjectionsWithinLimit_DecisionsUnchanged()
    {
        InstanceEntry[] entries = [Entry(1), Entry(2), Entry(3, CircuitState.Open), Entry(4, health: HealthState.Unhealthy)];

        var plan = CapacityGuard.Apply(entries, Now, Controls());

        Assert.Equal(PanicState.None, plan.Panic);
        Assert.Null(plan.Reason);
        Assert.Equal((4, 2, 2, 0), (plan.Ready, plan.Ejected, plan.Limit, plan.Capped));
        Assert.Equal([InstanceAvailability.Selectable, InstanceAvailability.Selectable, InstanceAvailability.Unavailable, InstanceAvailability.Unavailable], Availabilities(plan));
        Assert.All(plan.Decisions, d => Assert.False(d.Overridden));
    }

    [Fact]
    public void Apply_EjectionsOverLimit_LeastBadKeptRoutable()
    {
        // 10 ready, cap 30 % = 3; 4 ejected and 6 healthy (60 %, above the 50 % panic threshold): one is kept.
        var entries = Enumerable.Range(1, 6).Select(p => Entry(p)).ToList();
        entries.Add(Entry(7, health: HealthState.Unhealthy));
        entries.Add(Entry(8, CircuitState.Open, failures: 9));
        entries.Add(Entry(9, CircuitState.Open, failures: 5));
        entries.Add(Entry(10, CircuitState.Open, failures: 7));

        var plan = CapacityGuard.Apply(entries, Now, Controls(maxEjection: 30));

        Assert.Equal(PanicState.None, plan.Panic);
        Assert.Equal((10, 4, 3, 1), (plan.Ready, plan.Ejected, plan.Limit, plan.Capped));
        Assert.Equal(
            "ejection cap: 4 of 10 usable instance(s) failing (ejected: 3 circuit open, 1 unhealthy), max_ejection_percent 30 % allows 3; the 1 least bad stay routable",
            plan.Reason);

        // Least bad: health passing, then fewest consecutive failures among the open circuits: port 9.
        Assert.Equal(InstanceAvailability.Selectable, plan.Decisions[8].Availability);
        Assert.True(plan.Decisions[8].Overridden);
        Assert.Equal("routable in spite of: circuit open (ejection cap (max_ejection_percent 30 %))", plan.Decisions[8].Reason);
        Assert.Equal([InstanceAvailability.Unavailable, InstanceAvailability.Unavailable, InstanceAvailability.Unavailable],
            new[] { 6, 7, 9 }.Select(i => plan.Decisions[i].Availability));
    }

    [Fact]
    public void Apply_PanicOverAnInstanceBothUnhealthyAndOpen_NamesBothCauses()
    {
        InstanceEntry[] entries = [Entry(1), Entry(2, CircuitState.Open, health: HealthState.Unhealthy), Entry(3, CircuitState.Open)];

        var plan = CapacityGuard.Apply(entries, Now, Controls());

        Assert.Equal(PanicState.RouteAll, plan.Panic);
        Assert.StartsWith("panic: 1 of 3 usable instance(s) in service (ejected: 2 circuit open, 1 unhealthy), below panic_threshold 50 %", plan.Reason, StringComparison.Ordinal);
        Assert.Equal("routable in spite of: unhealthy, circuit open (panic routing)", plan.Decisions[1].Reason);
        Assert.Equal("routable in spite of: circuit open (panic routing)", plan.Decisions[2].Reason);
    }

    [Fact]
    public void Apply_UnhealthyRankedWorseThanOpenCircuit()
    {
        var entries = Enumerable.Range(1, 7).Select(p => Entry(p)).ToList();
        entries.Add(Entry(8, health: HealthState.Unhealthy, failures: 0));
        entries.Add(Entry(9, CircuitState.Open, failures: 50));
        entries.Add(Entry(10, CircuitState.Open, failures: 60));

        // 10 ready, cap 20 % = 2 of the 3 ejected; the unhealthy one stays out even with fewer failures.
        var plan = CapacityGuard.Apply(entries, Now, Controls(maxEjection: 20));

        Assert.Equal(1, plan.Capped);
        Assert.Equal(InstanceAvailability.Unavailable, plan.Decisions[7].Availability);
        Assert.Equal(InstanceAvailability.Selectable, plan.Decisions[8].Availability);
        Assert.Equal(InstanceAvailability.Unavailable, plan.Decisions[9].Availability);
    }

    [Fact]
    public void Apply_HealthyBelowPanicThreshold_RouteAllMakesEveryReadyInstanceRoutable()
    {
        InstanceEntry[] entries =
        [
            Entry(1),
            Entry(2, CircuitState.Open),
            Entry(3, health: HealthState.Unhealthy),
            Entry(4, CircuitState.HalfOpen, trialAvailable: true),
            Entry(5, CircuitState.Open, backoffUntil: Now.AddSeconds(10)),
            Entry(6, conditions: new EndpointConditions(Ready: false, Serving: false, Terminating: false)),
        ];

        var plan = CapacityGuard.Apply(entries, Now, Controls());

        Assert.Equal(PanicState.RouteAll, plan.Panic);
        Assert.Equal((5, 4), (plan.Ready, plan.Ejected));
        Assert.Equal(
            "panic: 1 of 5 usable instance(s) in service (ejected: 1 circuit half-open, 2 circuit open, 1 unhealthy), below panic_threshold 50 %; routing to every instance that is not known dead (panic_mode route_all)",
            plan.Reason);
        Assert.Equal(
            [
                InstanceAvailability.Selectable,
                InstanceAvailability.Selectable,
                InstanceAvailability.Selectable,
                InstanceAvailability.TrialOnly,
                InstanceAvailability.Unavailable,
                InstanceAvailability.Unavailable,
            ],
            Availabilities(plan));
        Assert.StartsWith("backpressure", plan.Decisions[4].Reason, StringComparison.Ordinal);
        Assert.Equal("not ready (ready=False serving=False terminating=False)", plan.Decisions[5].Reason);
        Assert.Equal(0, plan.Capped);
    }

    [Fact]
    public void Apply_OperatorEjectedAndPinned_NeitherCountedNorUndoneByPanicRouting()
    {
        // Issue 12 items 1 and 5 together: an operator's ejection is not capacity and stays out even in panic; a pinned
        // instance with an open circuit counts as in.
        InstanceEntry[] entries =
        [
            Entry(1, CircuitState.Open),
            Entry(2, CircuitState.Open, operatorAction: OperatorAction.Eject),
            Entry(3, CircuitState.Open, operatorAction: OperatorAction.Pin),
            Entry(4, CircuitState.Open),
        ];

        var plan = CapacityGuard.Apply(entries, Now, Controls());

        Assert.Equal((3, 2), (plan.Ready, plan.Ejected));
        Assert.Equal(
            [InstanceAvailability.Selectable, InstanceAvailability.Unavailable, InstanceAvailability.Selectable, InstanceAvailability.Selectable],
            Availabilities(plan));
        Assert.Equal("ejected by alice: test", plan.Decisions[1].Reason);
        Assert.Equal(PanicState.RouteAll, plan.Panic);
        Assert.False(plan.Decisions[2].Overridden);
    }

    [Fact]
    public void Apply_FailFastPanic_OrdinaryTrafficUnavailableTrialsKept()
    {
        InstanceEntry[] entries = [Entry(1), Entry(2, CircuitState.Open), Entry(3, CircuitState.HalfOpen, trialAvailable: true)];

        var plan = CapacityGuard.Apply(entries, Now, Controls(failFast: true));

        Assert.Equal(PanicState.FailFast, plan.Panic);
        Assert.Equal([InstanceAvailability.Unavailable, InstanceAvailability.Unavailable, InstanceAvailability.TrialOnly], Availabilities(plan));
        Assert.Equal(plan.Reason, plan.Decisions[0].Reason);
        Assert.EndsWith("failing fast (panic_mode fail_fast)", plan.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_PanicThresholdZero_NoPanicOnlyCap()
    {
        InstanceEntry[] entries = [Entry(1, CircuitState.Open, failures: 5), Entry(2, CircuitState.Open, failures: 6)];

        var plan = CapacityGuard.Apply(entries, Now, Controls(panic: 0));

        Assert.Equal(PanicState.None, plan.Panic);
        Assert.Equal((2, 1, 1), (plan.Ejected, plan.Limit, plan.Capped));
        Assert.Equal([InstanceAvailability.Selectable, InstanceAvailability.Unavailable], Availabilities(plan));
    }

    [Fact]
    public void Apply_CapOffAndPanicOff_TodaysBehaviour()
    {
        InstanceEntry[] entries = [Entry(1, CircuitState.Open), Entry(2, health: HealthState.Unhealthy)];

        var plan = CapacityGuard.Apply(entries, Now, Controls(maxEjection: 100, panic: 0));

        Assert.Equal(PanicState.None, plan.Panic);
        Assert.Equal([InstanceAvailability.Unavailable, InstanceAvailability.Unavailable], Availabilities(plan));
    }

    [Fact]
    public void Apply_DrainingInstancesCountAsCapacity()
    {
        InstanceEntry[] entries = [Entry(1), Entry(2, CircuitState.Open), Entry(3, conditions: EndpointConditions.Draining)];

        var plan = CapacityGuard.Apply(entries, Now, Controls());

        Assert.Equal((3, 1, 1), (plan.Ready, plan.Ejected, plan.Limit));
        Assert.Equal(PanicState.None, plan.Panic);
        Assert.Equal(InstanceAvailability.DrainingOnly, plan.Decisions[2].Availability);
    }
}
