namespace TradingAgents.Actors.Silo.Hosting;

/// <summary>
/// Tracks whether the co-hosted silo has reached its active stage (joined the cluster, grains can be
/// called) and has not begun to stop. Read by <c>/ready</c>.
/// </summary>
public sealed class SiloReadiness : ILifecycleParticipant<ISiloLifecycle>
{
    private volatile bool _active;

    /// <summary>True from the silo's active stage until it starts stopping.</summary>
    public bool IsActive => _active;

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe(
            nameof(SiloReadiness),
            ServiceLifecycleStage.Active,
            _ =>
            {
                _active = true;
                return Task.CompletedTask;
            },
            _ =>
            {
                _active = false;
                return Task.CompletedTask;
            });
    }
}
