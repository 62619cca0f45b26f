using System.Text.RegularExpressions;

namespace TradingAgents.DemoServices.Api;

/// <summary>Ticker validation shared by analysis and data: AAPL, BRK-B, 000001.SZ.</summary>
internal static partial class StockSymbol
{
    public const string Rule = "1 to 15 letters, digits, '.' or '-', starting with a letter or digit";

    public static bool TryNormalize(string? raw, out string symbol)
    {
        symbol = raw?.Trim().ToUpperInvariant() ?? string.Empty;
        return Pattern().IsMatch(symbol);
    }

    [GeneratedRegex("^[A-Z0-9][A-Z0-9.-]{0,14}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
