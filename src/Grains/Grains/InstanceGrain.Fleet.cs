using TradingAgents.Actors.Configuration;

namespace TradingAgents.Actors.Grains;

/// <summary>
/// The instance grain's part of the fleet-wide controls: it owns the instant each slow-start ramp starts, for every
/// router in the fleet, and reports openings its breaker's quorum held back.
/// </summary>
internal sealed partial class InstanceGrain
{
    private long _quorumHoldsSeen;

    /// <summary>Counts the failures that would have opened the circuit without <c>circuit_breaker.quorum</c>.</summary>
    private void ObserveQuorum()
    {
        var holds = _breaker.QuorumHolds;
        if (holds != _quorumHoldsSeen)
        {
            instruments.BreakerQuorumHeld(_service, _instanceId, holds - _quorumHoldsSeen);
            _quorumHoldsSeen = holds;
        }
    }

    /// <summary>
    /// The first configuration of an instance that has no stored state is a new instance: its ramp starts now.
    /// With slow start on for the service the start is persisted at once, so a re-activation elsewhere (a lost
    /// silo) keeps the ramp rather than restarting it. A grain restored from storage keeps what was stored.
    /// </summary>
    private async Task StartRampIfNewAsync()
    {
        if (_rampDecided)
        {
            return;
        }

        _rampDecided = true;
        _rampStartedAt = timeProvider.GetUtcNow();
        if (options.CurrentValue.GetFleetControls(_service).SlowStart > TimeSpan.Zero)
        {
            await PersistAsync().ConfigureAwait(true);
        }
    }
}
