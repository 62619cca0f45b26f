using Microsoft.Extensions.Time.Testing;
using TradingAgents.Actors.Diagnostics;

namespace TradingAgents.Actors.Tests.Diagnostics;

public sealed class SlidingRatioWindowTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Read_NoEvent_IsZeroWithoutRatio()
    {
        var window = new SlidingRatioWindow(_time, TimeSpan.FromSeconds(60));

        var counts = window.Read("data-service");

        Assert.Equal(new RatioCounts(0, 0), counts);
        Assert.Null(counts.Ratio);
    }

    [Fact]
    public void Read_EventsWithinTheWindow_CountsEveryOne()
    {
        var window = new SlidingRatioWindow(_time, TimeSpan.FromSeconds(60));
        window.Record("data-service", matched: true);
        _time.Advance(TimeSpan.FromSeconds(30));
        window.Record("data-service", matched: false);
        window.Record("data-service", matched: false);
        window.Record("data-service", matched: false);

        var counts = window.Read("data-service");

        Assert.Equal(new RatioCounts(1, 4), counts);
        Assert.Equal(0.25, counts.Ratio);
    }

    [Fact]
    public void Read_EventOlderThanTheWindow_HasSlidOut()
    {
        var window = new SlidingRatioWindow(_time, TimeSpan.FromSeconds(60));
        window.Record("data-service", matched: true);
        _time.Advance(TimeSpan.FromSeconds(59));
        window.Record("data-service", matched: false);
        Assert.Equal(new RatioCounts(1, 2), window.Read("data-service"));

        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(new RatioCounts(0, 1), window.Read("data-service"));
    }

    [Fact]
    public void Record_SlotReusedAfterAWholeWindow_StartsFromZero()
    {
        var window = new SlidingRatioWindow(_time, TimeSpan.FromSeconds(10));
        window.Record("llm-service", matched: true);
        window.Record("llm-service", matched: true);
        _time.Advance(TimeSpan.FromSeconds(10));

        window.Record("llm-service", matched: false);

        Assert.Equal(new RatioCounts(0, 1), window.Read("llm-service"));
    }

    [Fact]
    public void ReadAll_KeyWithoutRecentEvents_IsListedWithZeroCounts()
    {
        var window = new SlidingRatioWindow(_time, TimeSpan.FromSeconds(60));
        window.Record("memory-service", matched: true);
        _time.Advance(TimeSpan.FromMinutes(5));
        window.Record("data-service", matched: true);

        var all = window.ReadAll().OrderBy(p => p.Key, StringComparer.Ordinal).ToList();

        Assert.Equal(
            [new("data-service", new RatioCounts(1, 1)), new("memory-service", new RatioCounts(0, 0))],
            all);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(500)]
    [InlineData(3601_000)]
    public void Constructor_LengthNotWholeSecondsBetween1sAnd1h_Throws(int milliseconds)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new SlidingRatioWindow(_time, TimeSpan.FromMilliseconds(milliseconds)));

        Assert.Equal("length", error.ParamName);
    }
}
