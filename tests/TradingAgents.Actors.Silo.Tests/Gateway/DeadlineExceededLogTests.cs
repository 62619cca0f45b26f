using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TradingAgents.Actors.Silo.Gateway;
using TradingAgents.Actors.Tests.Infrastructure;

namespace TradingAgents.Actors.Tests.Gateway;

public sealed class DeadlineExceededLogTests
{
    [Fact]
    public void TimedOut_ManyWithinInterval_OneLineThenOneWithTheCountOfTheRest()
    {
        var time = new FakeTimeProvider();
        using var logs = new CollectingLoggerProvider();
        var log = new DeadlineExceededLog(logs.CreateLogger("gateway"), time);

        log.TimedOut("llm-service", ["127.0.0.1:8004", "127.0.0.1:8014"], 2, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60.02));
        for (var i = 0; i < 41; i++)
        {
            log.TimedOut("llm-service", ["127.0.0.1:8004"], 1, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60));
        }

        log.TimedOut("data-service", [], 0, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
        time.Advance(DeadlineExceededLog.Interval);
        log.TimedOut("llm-service", ["127.0.0.1:8024"], 1, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60));
        time.Advance(DeadlineExceededLog.Interval);
        time.Advance(DeadlineExceededLog.Interval);
        log.TimedOut("llm-service", ["127.0.0.1:8034"], 1, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60));

        // The 41 held back are reported when the interval ends although no 504 follows at once; the one right
        // after that report is counted into the next; a 504 after a quiet interval is logged in full again.
        Assert.Equal(
            [
                "Answered 504 for llm-service: deadline 60 s exceeded after 60.02 s, 2 attempt(s) on 127.0.0.1:8004, 127.0.0.1:8014",
                "Answered 504 for data-service: deadline 30 s exceeded after 30 s, 0 attempt(s) on none",
                "Answered 504 for llm-service: 41 more 504s for it in the last 10 s, not logged one by one",
                "Answered 504 for llm-service: 1 more 504s for it in the last 10 s, not logged one by one",
                "Answered 504 for llm-service: deadline 60 s exceeded after 60 s, 1 attempt(s) on 127.0.0.1:8034",
            ],
            logs.Entries.Select(e => e.Message));
        Assert.All(logs.Entries, e => Assert.Equal(LogLevel.Warning, e.Level));
    }
}
