using TradingAgents.Actors.Discovery;

namespace TradingAgents.Actors.Tests.Fakes;

/// <summary>
/// An <see cref="IEndpointSetPublisher"/> that applies sets with the grain's rule (newest version wins,
/// same version moves only the sync time) and records every call, so tests can await a state.
/// </summary>
public sealed class RecordingPublisher : IEndpointSetPublisher
{
    private readonly object _gate = new();
    private readonly Dictionary<string, EndpointSetUpdate> _current = new(StringComparer.Ordinal);
    private readonly List<(string Service, EndpointSetUpdate Update)> _received = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _failNext;

    /// <summary>Every set received, in order.</summary>
    public IReadOnlyList<(string Service, EndpointSetUpdate Update)> Received
    {
        get { lock (_gate) { return [.. _received]; } }
    }

    /// <summary>The set held per service after applying the version rule.</summary>
    public IReadOnlyDictionary<string, EndpointSetUpdate> Current
    {
        get { lock (_gate) { return new Dictionary<string, EndpointSetUpdate>(_current, StringComparer.Ordinal); } }
    }

    /// <summary>Makes the next <paramref name="count"/> calls throw, as a failed grain call does.</summary>
    public void FailNext(int count)
    {
        lock (_gate)
        {
            _failNext += count;
        }
    }

    /// <summary>Makes <paramref name="update"/> the set held for <paramref name="service"/>, as if another silo had delivered it.</summary>
    public void Hold(string service, EndpointSetUpdate update)
    {
        lock (_gate)
        {
            _current[service] = update;
        }
    }

    /// <summary>The instance ids held for <paramref name="service"/>, sorted; empty when none.</summary>
    public IReadOnlyList<string> InstanceIds(string service)
    {
        lock (_gate)
        {
            return _current.TryGetValue(service, out var set) ? [.. set.Endpoints.Select(e => e.InstanceId).Order(StringComparer.Ordinal)] : [];
        }
    }

    /// <inheritdoc />
    public Task<ApplyResult> PublishAsync(string service, EndpointSetUpdate update, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _received.Add((service, update));
            try
            {
                if (_failNext > 0)
                {
                    _failNext--;
                    throw new InvalidOperationException("injected delivery failure");
                }

                if (_current.TryGetValue(service, out var held) && EndpointSetOrder.Compare(update, held) < 0)
                {
                    return Task.FromResult(ApplyResult.Stale);
                }

                var result = held is not null && EndpointSetOrder.Compare(update, held) == 0 ? ApplyResult.AlreadyCurrent : ApplyResult.Applied;
                _current[service] = result == ApplyResult.Applied ? update : held! with { SyncedAt = update.SyncedAt };
                return Task.FromResult(result);
            }
            finally
            {
                _changed.TrySetResult();
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds, at most <paramref name="timeout"/> (default 10 s).</summary>
    public async Task WaitUntilAsync(Func<RecordingPublisher, bool> condition, TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (condition(this))
            {
                return;
            }

            try
            {
                await changed.WaitAsync(cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                var state = string.Join("; ", Current.Select(kv => $"{kv.Key}@{kv.Value.Version}=[{string.Join(",", kv.Value.Endpoints.Select(e => e.InstanceId))}]"));
                throw new TimeoutException($"The published state never met the condition; state: {state}");
            }
        }
    }
}
