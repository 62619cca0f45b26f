using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.LoadBalancing;

namespace TradingAgents.Actors.Grains;

/// <summary>
/// A service grain's view of one instance: the endpoint as the sources list it, the state mirrored
/// from its instance grain, and the in-flight count that only the service grain can know (it hands
/// out the selections; the instance grain counts the outcomes).
/// </summary>
internal sealed class InstanceEntry(ServiceEndpoint endpoint, IReadOnlyList<string> sources)
{
    // When each call still in flight was selected, oldest first. Outcomes release the oldest; calls
    // whose caller died without reporting are dropped once older than any call may live.
    private readonly Queue<long> _inFlightSince = new();

    public ServiceEndpoint Endpoint { get; set; } = endpoint;

    public IReadOnlyList<string> Sources { get; set; } = sources;

    /// <summary>Formatted once: selection reads it for every candidate on every call.</summary>
    public string InstanceId { get; } = endpoint.InstanceId;

    public InstanceStatus? Status { get; private set; }

    public int InFlight => _inFlightSince.Count;

    public long SelectionsServed { get; private set; }

    /// <summary>Set when a trial lease was refused; cleared by the next push from the instance grain.</summary>
    public bool TrialRefused { get; set; }

    /// <summary>Position in the service grain's <see cref="CandidateSet"/>, or -1.</summary>
    public int CandidateSlot { get; set; } = -1;

    public CircuitState Circuit => Status?.Circuit ?? CircuitState.Closed;

    public HealthState Health => Status?.Health ?? HealthState.Unknown;

    /// <summary>What a load-balancing policy sees of this instance.</summary>
    public PolicyCandidate ToCandidate() => new(
        InFlight,
        (Status?.EwmaLatencyMs ?? 0) / 1000.0,
        Status?.ConsecutiveFailures ?? 0,
        Math.Max(1, Endpoint.Weight));

    /// <summary>Counts a selection made at <paramref name="timestamp"/> (a <see cref="TimeProvider"/> timestamp).</summary>
    public void OnSelected(long timestamp)
    {
        _inFlightSince.Enqueue(timestamp);
        SelectionsServed++;
    }

    /// <summary>Forgets in-flight calls selected before <paramref name="timestamp"/>; returns how many.</summary>
    public int ExpireInFlight(long timestamp)
    {
        var expired = 0;
        while (_inFlightSince.TryPeek(out var since) && since < timestamp)
        {
            _inFlightSince.Dequeue();
            expired++;
        }

        return expired;
    }

    /// <summary>
    /// Applies a pushed status unless it is older than the one held. Outcomes counted by the instance
    /// grain since the last push release in-flight calls; a new incarnation counts from zero.
    /// </summary>
    public bool Apply(InstanceStatus status)
    {
        var held = Status;
        long completedSinceLast;
        if (held is null || held.Incarnation != status.Incarnation)
        {
            completedSinceLast = held is null ? 0 : status.CompletedCalls;
        }
        else if (status.Sequence <= held.Sequence)
        {
            return false;
        }
        else
        {
            completedSinceLast = status.CompletedCalls - held.CompletedCalls;
        }

        for (var i = 0L; i < completedSinceLast && _inFlightSince.Count > 0; i++)
        {
            _inFlightSince.Dequeue();
        }

        Status = status;
        TrialRefused = false;
        return true;
    }

    /// <summary>Why this instance may not take ordinary traffic now; null when it may.</summary>
    public string? GetNotSelectableReason()
    {
        if (!Endpoint.Conditions.IsUsable)
        {
            return $"not ready ({Endpoint.Conditions})";
        }

        if (Health == HealthState.Unhealthy)
        {
            return "unhealthy";
        }

        return Circuit switch
        {
            CircuitState.Open => "circuit open",
            CircuitState.HalfOpen when TrialRefused || Status?.TrialAvailable != true => "circuit half-open, trial calls in use",
            _ => null,
        };
    }
}
