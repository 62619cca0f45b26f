using TradingAgents.Actors.Configuration;

namespace TradingAgents.Actors.Grains;

/// <summary>The instance grain's part of slow start: it owns the instant each ramp starts, for every router in the fleet.</summary>
internal sealed partial class InstanceGrain
{
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
