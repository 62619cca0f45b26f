namespace TradingAgents.DemoServices;

/// <summary>
/// The live fault switches of one <see cref="DemoBackend"/>. They act on API paths (everything except
/// <c>/health</c>, <c>/ready</c> and <c>/admin</c>); <see cref="HealthFlip"/> acts on <c>/health</c> and
/// <c>/ready</c>. The same switches are reachable over HTTP at <c>/admin/faults</c>. Thread-safe.
/// </summary>
public sealed class DemoFaults
{
    /// <summary>The largest accepted <see cref="AddedLatency"/>: ten minutes.</summary>
    public static readonly TimeSpan MaxAddedLatency = TimeSpan.FromMinutes(10);

    private readonly Lock _gate = new();
    private readonly Random _random;
    private TimeSpan _addedLatency;
    private double _errorRate;
    private bool _healthFlip;

    // Non-null while Hang is on; completing it releases every hung request at once.
    private TaskCompletionSource? _hangRelease;

    internal DemoFaults(Random random) => _random = random;

    /// <summary>Delay added before an API request is answered. Zero (the default) for none.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or above <see cref="MaxAddedLatency"/>.</exception>
    public TimeSpan AddedLatency
    {
        get
        {
            lock (_gate)
            {
                return _addedLatency;
            }
        }

        set
        {
            if (value < TimeSpan.Zero || value > MaxAddedLatency)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"AddedLatency must be between 0 and {MaxAddedLatency}.");
            }

            lock (_gate)
            {
                _addedLatency = value;
            }
        }
    }

    /// <summary>Share of API requests answered with 500, from 0 (the default) to 1; drawn from a seeded <see cref="Random"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 0..1, or NaN.</exception>
    public double ErrorRate
    {
        get
        {
            lock (_gate)
            {
                return _errorRate;
            }
        }

        set
        {
            if (double.IsNaN(value) || value < 0 || value > 1)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "ErrorRate must be between 0 and 1.");
            }

            lock (_gate)
            {
                _errorRate = value;
            }
        }
    }

    /// <summary>
    /// When on, API requests never complete: they wait until the switch is turned off (then they are
    /// answered normally) or the client gives up.
    /// </summary>
    public bool Hang
    {
        get
        {
            lock (_gate)
            {
                return _hangRelease is not null;
            }
        }

        set
        {
            TaskCompletionSource? release = null;
            lock (_gate)
            {
                if (value && _hangRelease is null)
                {
                    _hangRelease = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                else if (!value && _hangRelease is not null)
                {
                    release = _hangRelease;
                    _hangRelease = null;
                }
            }

            release?.TrySetResult();
        }
    }

    /// <summary>When on, <c>/health</c> and <c>/ready</c> answer 503.</summary>
    public bool HealthFlip
    {
        get
        {
            lock (_gate)
            {
                return _healthFlip;
            }
        }

        set
        {
            lock (_gate)
            {
                _healthFlip = value;
            }
        }
    }

    /// <summary>True when any switch is on.</summary>
    public bool Any => AddedLatency > TimeSpan.Zero || ErrorRate > 0 || Hang || HealthFlip;

    /// <summary>Turns every switch off and releases hung requests.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _addedLatency = TimeSpan.Zero;
            _errorRate = 0;
            _healthFlip = false;
        }

        Hang = false;
    }

    /// <summary>Completes when <see cref="Hang"/> is off.</summary>
    internal Task WhenReleased()
    {
        lock (_gate)
        {
            return _hangRelease?.Task ?? Task.CompletedTask;
        }
    }

    /// <summary>Draws whether the current request fails under <see cref="ErrorRate"/>.</summary>
    internal bool NextRequestFails()
    {
        lock (_gate)
        {
            // 0 and 1 do not consume a draw, so switching the rate does not shift later draws.
            return _errorRate switch
            {
                <= 0 => false,
                >= 1 => true,
                _ => _random.NextDouble() < _errorRate,
            };
        }
    }
}
