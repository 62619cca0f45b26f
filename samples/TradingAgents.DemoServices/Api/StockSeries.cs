using TradingAgents.DemoServices.Hosting;

namespace TradingAgents.DemoServices.Api;

/// <summary>
/// Pseudo-prices seeded by the symbol: the same symbol gives the same closes on every instance and in
/// every run, and a shorter period is the tail of a longer one.
/// </summary>
internal static class StockSeries
{
    public static readonly IReadOnlyDictionary<string, int> TradingDaysByPeriod = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["1d"] = 1,
        ["5d"] = 5,
        ["1mo"] = 21,
        ["3mo"] = 63,
        ["6mo"] = 126,
        ["1y"] = 252,
        ["2y"] = 504,
        ["5y"] = 1260,
    };

    private const int FullLength = 1260;

    public static IReadOnlyList<PriceBar> Generate(string symbol, int tradingDays, DateOnly today)
    {
        var random = new Random(StableHash.Of(symbol));
        var price = 20 + random.Next(0, 480) + random.NextDouble();
        var dates = TradingDaysEndingAt(today, FullLength);
        var bars = new PriceBar[FullLength];
        for (var i = 0; i < FullLength; i++)
        {
            var open = price;
            var close = Math.Max(1, open * (1 + ((random.NextDouble() - 0.5) * 0.04)));
            var high = Math.Max(open, close) * (1 + (random.NextDouble() * 0.01));
            var low = Math.Min(open, close) * (1 - (random.NextDouble() * 0.01));
            var volume = 1_000_000L + random.Next(0, 9_000_000);
            bars[i] = new PriceBar(dates[i], Round(open), Round(high), Round(low), Round(close), volume);
            price = close;
        }

        return bars[^tradingDays..];
    }

    private static DateOnly[] TradingDaysEndingAt(DateOnly today, int count)
    {
        var dates = new DateOnly[count];
        var day = today;
        for (var i = count - 1; i >= 0; i--)
        {
            while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                day = day.AddDays(-1);
            }

            dates[i] = day;
            day = day.AddDays(-1);
        }

        return dates;
    }

    private static double Round(double value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);

    internal sealed record PriceBar(DateOnly Date, double Open, double High, double Low, double Close, long Volume);
}
