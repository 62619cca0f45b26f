namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>
/// Counts proxied requests in flight and refuses new ones once draining has begun, so that shutdown
/// can wait for exactly the requests it let in.
/// </summary>
public sealed class DrainCoordinator
{
    private readonly Lock _gate = new();
    private int _inFlight;
    private bool _draining;
    private TaskCompletionSource? _drained;

    /// <summary>True once <see cref="BeginDrain"/> was called: <c>/ready</c> fails and new proxied requests get 503.</summary>
    public bool IsDraining => Volatile.Read(ref _draining);

    /// <summary>Proxied requests currently being forwarded.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Admits one request; false when draining. A true result must be paired with <see cref="Exit"/>.</summary>
    public bool TryEnter()
    {
        lock (_gate)
        {
            if (_draining)
            {
                return false;
            }

            _inFlight++;
            return true;
        }
    }

    /// <summary>Ends a request admitted by <see cref="TryEnter"/>.</summary>
    public void Exit()
    {
        TaskCompletionSource? drained = null;
        lock (_gate)
        {
            _inFlight--;
            if (_inFlight == 0 && _draining)
            {
                drained = _drained;
            }
        }

        drained?.TrySetResult();
    }

    /// <summary>Stops admitting requests. Idempotent.</summary>
    public void BeginDrain()
    {
        lock (_gate)
        {
            if (_draining)
            {
                return;
            }

            _draining = true;
            _drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_inFlight == 0)
            {
                _drained.TrySetResult();
            }
        }
    }

    /// <summary>Completes when draining has begun and no admitted request is left.</summary>
    public Task WhenDrained()
    {
        lock (_gate)
        {
            return _drained?.Task ?? Task.Delay(Timeout.Infinite);
        }
    }
}
