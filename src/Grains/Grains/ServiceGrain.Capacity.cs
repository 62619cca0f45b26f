using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using TradingAgents.Actors.Capacity;
using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Routing;

namespace TradingAgents.Actors.Grains;

/// <summary>The service grain's fleet-wide controls: the ejection cap and panic decision (<see cref="CapacityGuard"/>) and slow-start ramps.</summary>
internal sealed partial class ServiceGrain
{
    private readonly HashSet<string> _capped = new(StringComparer.Ordinal);
    private PanicState _panic;

    private FleetControls Controls => options.CurrentValue.GetFleetControls(Service);

    /// <summary>The capacity guard's verdict for the current version (recomputed after every change).</summary>
    private CapacityPlan CurrentPlan(DateTimeOffset now)
    {
        if (_plan is { } plan)
        {
            return plan;
        }

        plan = CapacityGuard.Apply(_ordered, now, Controls);
        _plan = plan;
        ObservePlan(plan);
        return plan;
    }

    /// <summary>Counts instances newly kept routable by the cap and logs panic transitions, once per change.</summary>
    private void ObservePlan(CapacityPlan plan)
    {
        var newlyCapped = 0;
        var stillCapped = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < _ordered.Length; i++)
        {
            if (plan.Panic == PanicState.None && plan.Decisions[i].Overridden)
            {
                var id = _ordered[i].InstanceId;
                stillCapped.Add(id);
                if (!_capped.Contains(id))
                {
                    newlyCapped++;
                }
            }
        }

        _capped.Clear();
        _capped.UnionWith(stillCapped);
        if (newlyCapped > 0)
        {
            instruments.EjectionsCapped(Service, newlyCapped);
            LogEjectionsCapped(logger, Service, newlyCapped, plan.Reason ?? "-");
        }

        if (plan.Panic != _panic)
        {
            if (plan.Panic == PanicState.None)
            {
                LogPanicEnded(logger, Service, plan.Ready - plan.Ejected, plan.Ready);
            }
            else
            {
                LogPanicStarted(logger, Service, plan.Reason ?? "-");
            }

            _panic = plan.Panic;
        }
    }

    private ImmutableArray<RoutingInstance> RoutingInstances(DateTimeOffset now)
    {
        var plan = CurrentPlan(now);
        var builder = ImmutableArray.CreateBuilder<RoutingInstance>(_ordered.Length);
        for (var i = 0; i < _ordered.Length; i++)
        {
            var entry = _ordered[i];
            var (availability, reason, _) = plan.Decisions[i];
            builder.Add(entry.ToRouting(now) with { Availability = availability, Reason = reason, SlowStart = Ramp(entry, now) });
        }

        return builder.MoveToImmutable();
    }

    private RoutingSnapshot WithPanic(RoutingSnapshot snapshot)
    {
        var plan = CurrentPlan(snapshot.PublishedAt);
        return snapshot with { Panic = plan.Panic, PanicReason = plan.Reason };
    }

    private ServiceSnapshot WithCapacity(ServiceSnapshot snapshot, CapacityPlan plan) => snapshot with
    {
        Panic = plan.Panic,
        PanicReason = plan.Reason,
        EjectedInstances = plan.Ejected,
        EjectionLimit = plan.Limit,
        CappedInstances = plan.Capped,
        BreakerQuorum = options.CurrentValue.CircuitBreaker.Quorum,
    };

    /// <summary>The instance's slow-start ramp while it lasts: started by its instance grain, shaped by this service's settings.</summary>
    private SlowStartRamp? Ramp(InstanceEntry entry, DateTimeOffset now)
    {
        var controls = Controls;
        if (controls.SlowStart <= TimeSpan.Zero || entry.Status?.RampStartedAt is not { } since)
        {
            return null;
        }

        var ramp = new SlowStartRamp(since, controls.SlowStart, controls.SlowStartAggression, controls.SlowStartMinWeightPercent);
        return now < ramp.EndsAt ? ramp : null;
    }

    private double? SlowStartPercent(InstanceEntry entry, DateTimeOffset now) =>
        Ramp(entry, now) is { } ramp ? Math.Round(ramp.Factor(now) * 100, 1) : null;

    [LoggerMessage(EventId = 9100, Level = LogLevel.Warning, Message = "Service {Service}: panic ({Reason})")]
    private static partial void LogPanicStarted(ILogger logger, string service, string reason);

    [LoggerMessage(EventId = 9101, Level = LogLevel.Information, Message = "Service {Service}: panic over, {Healthy} of {Ready} usable instance(s) in service")]
    private static partial void LogPanicEnded(ILogger logger, string service, int healthy, int ready);

    [LoggerMessage(EventId = 9102, Level = LogLevel.Warning, Message = "Service {Service}: {Count} more instance(s) kept routable by the ejection cap ({Reason})")]
    private static partial void LogEjectionsCapped(ILogger logger, string service, int count, string reason);
}
