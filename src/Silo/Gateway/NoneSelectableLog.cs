namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>
/// The warning for requests rejected because no instance of their service is selectable: at most one
/// line per service every <see cref="Interval"/>, with the number of rejections not logged since.
/// </summary>
internal sealed partial class NoneSelectableLog(ILogger logger, TimeProvider timeProvider)
{
    /// <summary>The shortest time between two lines of one service.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly LogThrottle _throttle = new(timeProvider, Interval, (service, count) => LogHeldBack(logger, service, count, (int)Interval.TotalSeconds));

    /// <summary>Logs the rejections held back now (shutdown).</summary>
    public void FlushHeldBack() => _throttle.FlushHeldBack();

    /// <summary>Records one rejected request and logs it when its service's interval allows.</summary>
    public void Rejected(string service, string reason)
    {
        if (!logger.IsEnabled(LogLevel.Warning) || !_throttle.ShouldLog(service, out var suppressed))
        {
            return;
        }

        if (suppressed == 0)
        {
            LogNoneSelectable(logger, service, reason);
        }
        else
        {
            LogNoneSelectableAgain(logger, service, reason, suppressed, (int)Interval.TotalSeconds);
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "No instance of {Service} is selectable: {Reason}")]
    private static partial void LogNoneSelectable(ILogger logger, string service, string reason);

    [LoggerMessage(EventId = 2601, Level = LogLevel.Warning, Message = "No instance of {Service} is selectable: {Reason}; {Suppressed} more requests rejected for it not logged (one line per service every {IntervalSeconds} s)")]
    private static partial void LogNoneSelectableAgain(ILogger logger, string service, string reason, long suppressed, int intervalSeconds);

    [LoggerMessage(EventId = 2605, Level = LogLevel.Warning, Message = "No instance of {Service} is selectable: {Count} more requests rejected for it in the last {IntervalSeconds} s, not logged one by one")]
    private static partial void LogHeldBack(ILogger logger, string service, long count, int intervalSeconds);
}
