using System.Collections.Immutable;
using TradingAgents.Actors.Grains;

namespace TradingAgents.Actors.Routing;

/// <summary>
/// This process's ordered outcome stream to one instance grain. Outcomes are appended in the order
/// their calls ended; consecutive successes of one generation are coalesced into one entry; a report
/// sends everything pending, so a failure always travels with the successes before it. One report is in
/// flight at a time; a report that could not be delivered is sent again with the same sequence (the grain
/// ignores a repeat). Nothing on a request's path waits for a report.
/// </summary>
internal sealed class OutcomeStream(IInstanceGrain grain, string reporterId, int maxPending)
{
    private readonly Lock _gate = new();
    private readonly List<OutcomeEntry> _pending = [];
    private OutcomeReport? _undelivered;
    private long _sequence;
    private TaskCompletionSource? _sending;

    // The open run of successes, not yet an entry.
    private int _runCount;
    private TimeSpan _runLatency;
    private long _runGeneration;

    /// <summary>Entries dropped because the grain was unreachable for too long.</summary>
    public long Dropped { get; private set; }

    /// <summary>True when something waits to be sent.</summary>
    public bool HasPending
    {
        get
        {
            lock (_gate)
            {
                return _runCount > 0 || _pending.Count > 0 || _undelivered is not null;
            }
        }
    }

    /// <summary>Appends one successful ordinary call.</summary>
    public void AddSuccess(TimeSpan latency, long generation)
    {
        lock (_gate)
        {
            if (_runCount > 0 && _runGeneration != generation)
            {
                CloseRun();
            }

            _runCount++;
            _runLatency += latency;
            _runGeneration = generation;
        }
    }

    /// <summary>Appends an outcome that is sent at once (with everything before it).</summary>
    public void Add(OutcomeEntry entry)
    {
        lock (_gate)
        {
            CloseRun();
            _pending.Add(entry);
            if (_pending.Count > maxPending)
            {
                // The control plane has been away for a long time: the oldest outcomes describe a past
                // that no longer matters to the breaker.
                _pending.RemoveAt(0);
                Dropped++;
            }
        }
    }

    /// <summary>
    /// Sends what is pending. When a report is already in flight, returns at once unless
    /// <paramref name="waitForRunning"/>, in which case it waits for that send and then sends the rest
    /// (shutdown, tests: everything appended before the call has been offered to the grain when it
    /// completes). Never throws.
    /// </summary>
    /// <returns>False when the grain could not be reached.</returns>
    public async Task<bool> FlushAsync(bool waitForRunning = false)
    {
        while (true)
        {
            OutcomeReport report;
            TaskCompletionSource done;
            lock (_gate)
            {
                if (_sending is { } running)
                {
                    if (!waitForRunning)
                    {
                        return true;
                    }

                    report = null!;
                    done = running;
                }
                else
                {
                    if (_undelivered is { } again)
                    {
                        report = again;
                    }
                    else
                    {
                        CloseRun();
                        if (_pending.Count == 0)
                        {
                            return true;
                        }

                        report = new OutcomeReport(reporterId, ++_sequence, [.. _pending]);
                        _pending.Clear();
                    }

                    done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    _sending = done;
                    _undelivered = report;
                }
            }

            if (report is null)
            {
                // Another flush is sending: wait for it, then look again.
                await done.Task.ConfigureAwait(false);
                continue;
            }

            var delivered = false;
            try
            {
                await grain.ReportOutcomesAsync(report).ConfigureAwait(false);
                delivered = true;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Kept in _undelivered: the next flush sends it again with the same sequence.
            }

            lock (_gate)
            {
                _sending = null;
                if (delivered)
                {
                    _undelivered = null;
                }
            }

            done.SetResult();
            if (!delivered)
            {
                return false;
            }

            lock (_gate)
            {
                if (_pending.Count == 0 && _runCount == 0)
                {
                    return true;
                }
            }
        }
    }

    private void CloseRun()
    {
        if (_runCount == 0)
        {
            return;
        }

        _pending.Add(new OutcomeEntry(OutcomeKind.Success, _runCount, _runLatency, _runGeneration));
        _runCount = 0;
        _runLatency = TimeSpan.Zero;
    }
}
