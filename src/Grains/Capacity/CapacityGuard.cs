using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Capacity;

/// <summary>
/// The fleet-wide ejection limit and panic decision of one service, applied by its service grain on top of
/// each instance's own verdict (<see cref="InstanceEntry.Decide"/>). Pure: instances, clock and settings in,
/// decisions out.
/// </summary>
/// <remarks>
/// <para>The base is the instances whose slice conditions make them usable: ready, or serving while terminating
/// (draining, which still answers). Removed and not-ready ones are known dead and never count. An instance is
/// <em>ejected</em> when its circuit is not closed or its health checks fail.</para>
/// <para>Panic (Envoy's <c>healthy_panic_threshold</c>): when fewer than <c>panic_threshold</c> % of the ready
/// instances are not ejected, the service is in panic. With <c>panic_mode: route_all</c> every ejected instance
/// takes ordinary traffic again (spreading the load over all of them beats crushing the few healthy ones); with
/// <c>fail_fast</c> ordinary requests fail at once. In both modes half-open instances keep their trial calls,
/// so circuits can still close and end the panic.</para>
/// <para>Cap (Envoy's <c>max_ejection_percent</c>, here counted over the whole fleet rather than per proxy):
/// outside panic, at most floor(ready × <c>max_ejection_percent</c> / 100) instances stay ejected. The least
/// bad of the others stay routable, ranked by: health checks passing before failing (a failing probe says the
/// process does not answer at all), then circuit closed, half-open, open, then fewer consecutive failures,
/// then instance id (so every publish ranks alike).</para>
/// <para>An instance kept routable by either rule still honours backpressure (it asked for no traffic itself),
/// and a half-open one keeps taking trial calls only, which are what close its circuit.</para>
/// </remarks>
internal static class CapacityGuard
{
    public static CapacityPlan Apply(IReadOnlyList<InstanceEntry> instances, DateTimeOffset now, FleetControls controls)
    {
        ArgumentNullException.ThrowIfNull(instances);
        ArgumentNullException.ThrowIfNull(controls);
        var decisions = new CapacityDecision[instances.Count];
        var ready = 0;
        List<int>? ejected = null;
        for (var i = 0; i < instances.Count; i++)
        {
            var entry = instances[i];
            var (availability, reason) = entry.Decide(now);
            decisions[i] = new CapacityDecision(availability, reason, Overridden: false);
            if (!entry.Endpoint.Conditions.IsUsable || entry.Status?.Override is { Action: OperatorAction.Eject })
            {
                // Not capacity: an operator's ejection is deliberate, neither counted toward the limit nor undone by it.
                continue;
            }

            ready++;
            if (IsEjected(entry))
            {
                (ejected ??= []).Add(i);
            }
        }

        var ejectedCount = ejected?.Count ?? 0;
        var limit = ready * Math.Clamp(controls.MaxEjectionPercent, 0, 100) / 100;
        var healthy = ready - ejectedCount;
        if (ejected is null)
        {
            return new CapacityPlan(decisions, PanicState.None, null, ready, 0, limit, 0);
        }

        if (controls.PanicThreshold > 0 && healthy * 100 < controls.PanicThreshold * ready)
        {
            var mode = controls.FailFastOnPanic ? PanicState.FailFast : PanicState.RouteAll;
            var counted = $"{healthy} of {ready} usable instance(s) in service ({DescribeEjections(instances, ejected)}), below panic_threshold {controls.PanicThreshold} %";
            var reason = mode == PanicState.RouteAll
                ? $"panic: {counted}; routing to every instance that is not known dead (panic_mode route_all)"
                : $"panic: {counted}; failing fast (panic_mode fail_fast)";
            if (mode == PanicState.RouteAll)
            {
                foreach (var index in ejected)
                {
                    decisions[index] = Override(instances[index], decisions[index], now, "panic routing");
                }
            }
            else
            {
                for (var i = 0; i < decisions.Length; i++)
                {
                    if (decisions[i].Availability is InstanceAvailability.Selectable or InstanceAvailability.DrainingOnly)
                    {
                        decisions[i] = new CapacityDecision(InstanceAvailability.Unavailable, reason, Overridden: false);
                    }
                }
            }

            return new CapacityPlan(decisions, mode, reason, ready, ejectedCount, limit, 0);
        }

        if (ejectedCount <= limit)
        {
            return new CapacityPlan(decisions, PanicState.None, null, ready, ejectedCount, limit, 0);
        }

        ejected.Sort((a, b) => CompareBadness(instances[a], instances[b]));
        var keep = ejectedCount - limit;
        for (var k = 0; k < keep; k++)
        {
            var index = ejected[k];
            decisions[index] = Override(instances[index], decisions[index], now, $"ejection cap (max_ejection_percent {controls.MaxEjectionPercent} %)");
        }

        var note = $"ejection cap: {ejectedCount} of {ready} usable instance(s) failing ({DescribeEjections(instances, ejected)}), max_ejection_percent {controls.MaxEjectionPercent} % allows {limit}; the {keep} least bad stay routable";
        return new CapacityPlan(decisions, PanicState.None, note, ready, ejectedCount, limit, keep);
    }

    /// <summary>True when breakers or health checks take the instance out (an instance the operator pinned stays in).</summary>
    public static bool IsEjected(InstanceEntry entry) =>
        entry.Status?.Override is not { Action: OperatorAction.Pin } && (entry.Health == HealthState.Unhealthy || entry.Circuit != CircuitState.Closed);

    private static CapacityDecision Override(InstanceEntry entry, CapacityDecision decision, DateTimeOffset now, string rule)
    {
        if (decision.Availability == InstanceAvailability.TrialOnly)
        {
            // Its trial calls decide within seconds whether the circuit closes; ordinary calls would not count.
            return decision;
        }

        if (entry.Status?.BackoffUntil is { } until && until > now)
        {
            return new CapacityDecision(InstanceAvailability.Unavailable, $"backpressure: asked for no traffic until {until:HH:mm:ss}", Overridden: false);
        }

        return new CapacityDecision(InstanceAvailability.Selectable, $"routable in spite of: {string.Join(", ", Causes(entry))} ({rule})", Overridden: true);
    }

    /// <summary>Why breakers and health checks take <paramref name="entry"/> out: every cause, not only the first.</summary>
    private static IEnumerable<string> Causes(InstanceEntry entry)
    {
        if (entry.Health == HealthState.Unhealthy)
        {
            yield return "unhealthy";
        }

        if (entry.Circuit == CircuitState.Open)
        {
            yield return "circuit open";
        }
        else if (entry.Circuit == CircuitState.HalfOpen)
        {
            yield return "circuit half-open";
        }
    }

    /// <summary>How many of the ejected instances each cause takes out, e.g. "ejected: 2 circuit open, 1 unhealthy" (one instance may count twice).</summary>
    private static string DescribeEjections(IReadOnlyList<InstanceEntry> instances, List<int> ejected)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var index in ejected)
        {
            foreach (var cause in Causes(instances[index]))
            {
                counts[cause] = counts.GetValueOrDefault(cause) + 1;
            }
        }

        return "ejected: " + string.Join(", ", counts.Select(c => $"{c.Value} {c.Key}"));
    }

    private static int CompareBadness(InstanceEntry a, InstanceEntry b)
    {
        var byHealth = (a.Health == HealthState.Unhealthy).CompareTo(b.Health == HealthState.Unhealthy);
        if (byHealth != 0)
        {
            return byHealth;
        }

        var byCircuit = CircuitRank(a.Circuit).CompareTo(CircuitRank(b.Circuit));
        if (byCircuit != 0)
        {
            return byCircuit;
        }

        var byFailures = (a.Status?.ConsecutiveFailures ?? 0).CompareTo(b.Status?.ConsecutiveFailures ?? 0);
        return byFailures != 0 ? byFailures : string.CompareOrdinal(a.InstanceId, b.InstanceId);
    }

    private static int CircuitRank(CircuitState state) => state switch
    {
        CircuitState.Closed => 0,
        CircuitState.HalfOpen => 1,
        _ => 2,
    };
}
