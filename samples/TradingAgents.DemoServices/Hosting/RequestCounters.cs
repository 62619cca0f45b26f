namespace TradingAgents.DemoServices.Hosting;

/// <summary>Counts API requests (total, in flight, highest concurrency seen) and health probes.</summary>
internal sealed class RequestCounters
{
    private readonly Lock _gate = new();
    private readonly List<(int Count, TaskCompletionSource Signal)> _waiters = [];
    private long _total;
    private int _inFlight;
    private int _maxInFlight;
    private long _healthProbes;

    public long Total
    {
        get
        {
            lock (_gate)
            {
                return _total;
            }
        }
    }

    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _inFlight;
            }
        }
    }

    public int MaxInFlight
    {
        get
        {
            lock (_gate)
            {
                return _maxInFlight;
            }
        }
    }

    public long HealthProbes => Interlocked.Read(ref _healthProbes);

    public void Enter()
    {
        List<TaskCompletionSource>? reached = null;
        lock (_gate)
        {
            _total++;
            _inFlight++;
            _maxInFlight = Math.Max(_maxInFlight, _inFlight);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_inFlight >= _waiters[i].Count)
                {
                    (reached ??= []).Add(_waiters[i].Signal);
                    _waiters.RemoveAt(i);
                }
            }
        }

        // Completed outside the lock: the signals run continuations asynchronously anyway.
        reached?.ForEach(signal => signal.TrySetResult());
    }

    public void Exit()
    {
        lock (_gate)
        {
            _inFlight--;
        }
    }

    public void CountHealthProbe() => Interlocked.Increment(ref _healthProbes);

    public Task WhenInFlightAtLeastAsync(int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        TaskCompletionSource signal;
        lock (_gate)
        {
            if (_inFlight >= count)
            {
                return Task.CompletedTask;
            }

            signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, signal));
        }

        return signal.Task.WaitAsync(cancellationToken);
    }

    public void Reset()
    {
        lock (_gate)
        {
            _total = 0;
            _maxInFlight = _inFlight;
        }

        Interlocked.Exchange(ref _healthProbes, 0);
    }
}
