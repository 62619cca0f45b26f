using System.Globalization;

namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>
/// The warning for requests the gateway answered with 504 (the service's deadline, or the last
/// attempt's timeout, passed): at most one line per service every <see cref="Interval"/>, naming the
/// instances tried, the attempts and the deadline, with the number of 504s not logged since.
/// </summary>
internal sealed partial class DeadlineExceededLog(ILogger logger, TimeProvider timeProvider)
{
    /// <summary>The shortest time between two lines of one service.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly LogThrottle _throttle = new(timeProvider, Interval, (service, count) => LogHeldBack(logger, service, count, (int)Interval.TotalSeconds));

    /// <summary>Logs the 504s held back now (shutdown).</summary>
    public void FlushHeldBack() => _throttle.FlushHeldBack();

    /// <summary>Records one 504 and logs it when its service's interval allows.</summary>
    public void TimedOut(string service, IReadOnlyList<string> tried, int attempts, TimeSpan deadline, TimeSpan elapsed)
    {
        if (!logger.IsEnabled(LogLevel.Warning) || !_throttle.ShouldLog(service, out var suppressed))
        {
            return;
        }

        var instances = tried.Count == 0 ? "none" : string.Join(", ", tried);
        var deadlineSeconds = deadline.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        var elapsedSeconds = elapsed.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        if (suppressed == 0)
        {
            LogTimedOut(logger, service, attempts, instances, deadlineSeconds, elapsedSeconds);
        }
        else
        {
            LogTimedOutAgain(logger, service, attempts, instances, deadlineSeconds, elapsedSeconds, suppressed, (int)Interval.TotalSeconds);
        }
    }

    [LoggerMessage(EventId = 2603, Level = LogLevel.Warning, Message = "Answered 504 for {Service}: deadline {DeadlineSeconds} s exceeded after {ElapsedSeconds} s, {Attempts} attempt(s) on {Instances}")]
    private static partial void LogTimedOut(ILogger logger, string service, int attempts, string instances, string deadlineSeconds, string elapsedSeconds);

    [LoggerMessage(EventId = 2604, Level = LogLevel.Warning, Message = "Answered 504 for {Service}: deadline {DeadlineSeconds} s exceeded after {ElapsedSeconds} s, {Attempts} attempt(s) on {Instances}; {Suppressed} more 504s for it not logged (one line per service every {IntervalSeconds} s)")]
    private static partial void LogTimedOutAgain(ILogger logger, string service, int attempts, string instances, string deadlineSeconds, string elapsedSeconds, long suppressed, int intervalSeconds);

    [LoggerMessage(EventId = 2606, Level = LogLevel.Warning, Message = "Answered 504 for {Service}: {Count} more 504s for it in the last {IntervalSeconds} s, not logged one by one")]
    private static partial void LogHeldBack(ILogger logger, string service, long count, int intervalSeconds);
}
