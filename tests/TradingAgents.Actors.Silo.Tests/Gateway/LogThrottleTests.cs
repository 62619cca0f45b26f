using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TradingAgents.Actors.Silo.Gateway;
using TradingAgents.Actors.Tests.Infrastructure;

namespace TradingAgents.Actors.Tests.Gateway;

public sealed class LogThrottleTests
{
    [Fact]
    public void ShouldLog_ManyWithinInterval_OneLineThenCountOfTheRest()
    {
        var time = new FakeTimeProvider();
        var throttle = new LogThrottle(time, TimeSpan.FromSeconds(10));

        var first = throttle.ShouldLog("data-service", out var firstSuppressed);
        var logged = Enumerable.Range(0, 999).Count(_ => throttle.ShouldLog("data-service", out long _));
        time.Advance(TimeSpan.FromSeconds(9.999));
        var early = throttle.ShouldLog("data-service", out _);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var next = throttle.ShouldLog("data-service", out var nextSuppressed);

        Assert.True(first);
        Assert.Equal(0, firstSuppressed);
        Assert.Equal(0, logged);
        Assert.False(early);
        Assert.True(next);
        Assert.Equal(1000, nextSuppressed);
    }

    [Fact]
    public void ShouldLog_HeldBackAndNothingFollows_TheCountIsReportedWhenTheIntervalEnds()
    {
        var time = new FakeTimeProvider();
        var reported = new List<(string Key, long Count)>();
        var throttle = new LogThrottle(time, TimeSpan.FromSeconds(10), (key, count) => reported.Add((key, count)));

        Assert.True(throttle.ShouldLog("data-service", out _));
        Assert.Equal(5, Enumerable.Range(0, 5).Count(_ => !throttle.ShouldLog("data-service", out long _)));
        time.Advance(TimeSpan.FromSeconds(9.999));
        Assert.Empty(reported);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal([("data-service", 5L)], reported);

        // The report was that interval's line: a new occurrence right after it is held back, and so on.
        Assert.False(throttle.ShouldLog("data-service", out _));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal([("data-service", 5L), ("data-service", 1L)], reported);
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(2, reported.Count);
        Assert.True(throttle.ShouldLog("data-service", out var suppressed));
        Assert.Equal(0, suppressed);
    }

    [Fact]
    public void ShouldLog_KeysAreIndependent()
    {
        var throttle = new LogThrottle(new FakeTimeProvider(), TimeSpan.FromSeconds(10));

        Assert.True(throttle.ShouldLog("data-service", out _));
        Assert.True(throttle.ShouldLog("llm-service", out _));
        Assert.False(throttle.ShouldLog("data-service", out _));
    }

    [Fact]
    public void Rejected_OutageOf80Seconds_LogsOneLinePerServicePerInterval()
    {
        var time = new FakeTimeProvider();
        using var provider = new CollectingLoggerProvider();
        using var factory = LoggerFactory.Create(logging => logging.AddProvider(provider));
        var log = new NoneSelectableLog(factory.CreateLogger("test"), time);

        // 80 s of 100 rejected requests per 100 ms for one service.
        for (var tick = 0; tick < 800; tick++)
        {
            for (var request = 0; request < 100; request++)
            {
                log.Rejected("data-service", "3 circuit open");
            }

            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        // One line when it starts, then at the end of every interval one line with the count held back:
        // 1 + 8 lines for 80,000 rejections, and no rejection uncounted.
        var lines = provider.Entries.ToList();
        Assert.Equal(9, lines.Count);
        Assert.Equal("No instance of data-service is selectable: 3 circuit open", lines[0].Message);
        Assert.Equal(
            "No instance of data-service is selectable: 9999 more requests rejected for it in the last 10 s, not logged one by one",
            lines[1].Message);
        var counted = lines.Skip(1).Sum(line => long.Parse(System.Text.RegularExpressions.Regex.Match(line.Message, @": (\d+) more").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(80_000, 1 + counted);
        Assert.All(lines, line => Assert.Equal(LogLevel.Warning, line.Level));
    }
}
