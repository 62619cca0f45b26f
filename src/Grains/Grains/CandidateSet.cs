using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.LoadBalancing;

namespace TradingAgents.Actors.Grains;

/// <summary>
/// The candidates of an ordinary selection (ready, circuit closed, not unhealthy), kept between
/// selections so that a selection costs the policy's pick rather than a pass over every instance.
/// Rebuilt when membership, breaker or health state changes; updated in place when only an
/// instance's load (in-flight calls, latency, failures) changes.
/// </summary>
internal sealed class CandidateSet
{
    private PolicyCandidate[] _candidates = [];
    private InstanceEntry[] _entries = [];
    private int _count;
    private bool _stale = true;

    /// <summary>Whether some instance is half-open, so trial leases must be offered first.</summary>
    public bool AnyHalfOpen { get; private set; }

    /// <summary>True for an instance that may take ordinary traffic.</summary>
    public static bool IsOrdinary(InstanceEntry entry) =>
        entry.Endpoint.Conditions.Ready && entry.Circuit == CircuitState.Closed && entry.Health != HealthState.Unhealthy;

    /// <summary>Marks the set for rebuilding at the next selection.</summary>
    public void Invalidate() => _stale = true;

    /// <summary>Brings the set up to date with <paramref name="ordered"/>; returns how many candidates it holds.</summary>
    public int Ensure(InstanceEntry[] ordered)
    {
        if (!_stale)
        {
            return _count;
        }

        if (_candidates.Length < ordered.Length)
        {
            _candidates = new PolicyCandidate[ordered.Length];
            _entries = new InstanceEntry[ordered.Length];
        }

        Array.Clear(_entries);
        _count = 0;
        AnyHalfOpen = false;
        foreach (var entry in ordered)
        {
            AnyHalfOpen |= entry.Circuit == CircuitState.HalfOpen;
            entry.CandidateSlot = -1;
            if (IsOrdinary(entry))
            {
                entry.CandidateSlot = _count;
                _entries[_count] = entry;
                _candidates[_count] = entry.ToCandidate();
                _count++;
            }
        }

        _stale = false;
        return _count;
    }

    /// <summary>The first <paramref name="count"/> candidates, as returned by <see cref="Ensure"/>.</summary>
    public ReadOnlySpan<PolicyCandidate> Candidates(int count) => _candidates.AsSpan(0, count);

    /// <summary>The instance behind candidate <paramref name="index"/>.</summary>
    public InstanceEntry this[int index] => _entries[index];

    /// <summary>Copies <paramref name="entry"/>'s current load into its candidate, when it has one.</summary>
    public void Refresh(InstanceEntry entry)
    {
        var slot = entry.CandidateSlot;
        if (!_stale && slot >= 0 && slot < _count && ReferenceEquals(_entries[slot], entry))
        {
            _candidates[slot] = entry.ToCandidate();
        }
    }
}
