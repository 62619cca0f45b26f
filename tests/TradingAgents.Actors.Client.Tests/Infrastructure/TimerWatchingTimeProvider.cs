using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace TradingAgents.Actors.Tests.Infrastructure;

/// <summary>
/// A fake clock that tells when a timer with a given due time is created, so a test advances time
/// only once the code under test waits on it (a retry delay), never before.
/// </summary>
public sealed class TimerWatchingTimeProvider() : FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero))
{
    private readonly ConcurrentDictionary<TimeSpan, TaskCompletionSource> _created = new();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        Signal(dueTime).TrySetResult();
        return timer;
    }

    /// <summary>Completes once a timer due after <paramref name="dueTime"/> has been created.</summary>
    public Task WhenTimerCreatedAsync(TimeSpan dueTime) => Signal(dueTime).Task.WaitAsync(TimeSpan.FromSeconds(30));

    private TaskCompletionSource Signal(TimeSpan dueTime) =>
        _created.GetOrAdd(dueTime, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
