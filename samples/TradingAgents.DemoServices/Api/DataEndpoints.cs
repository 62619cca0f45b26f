using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace TradingAgents.DemoServices.Api;

/// <summary>
/// data-service: <c>GET /api/v1/data/stock?symbol=&amp;period=</c>. The seed's Python client sends the
/// parameters as a JSON body on the GET, so a body is read when the query has no symbol.
/// </summary>
internal static class DataEndpoints
{
    private const string DefaultPeriod = "1y";

    public static void Map(IEndpointRouteBuilder endpoints) => endpoints.MapGet("/api/v1/data/stock", GetStockAsync);

    private static async Task<IResult> GetStockAsync(HttpRequest request, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        string? symbolText = request.Query["symbol"];
        string? periodText = request.Query["period"];
        if (symbolText is null && request.ContentLength is > 0)
        {
            var (body, error) = await JsonBody.ReadAsync<StockQuery>(request, cancellationToken).ConfigureAwait(false);
            if (error is not null)
            {
                return error;
            }

            (symbolText, periodText) = (body!.Symbol, periodText ?? body.Period);
        }

        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(symbolText))
        {
            errors["symbol"] = ["Required, for example ?symbol=AAPL."];
        }
        else if (!StockSymbol.TryNormalize(symbolText, out _))
        {
            errors["symbol"] = [$"'{symbolText}' is not a stock symbol: {StockSymbol.Rule}."];
        }

        var period = string.IsNullOrEmpty(periodText) ? DefaultPeriod : periodText.Trim().ToLowerInvariant();
        if (!StockSeries.TradingDaysByPeriod.TryGetValue(period, out var tradingDays))
        {
            errors["period"] = [$"'{periodText}' is not a period; accepted: {string.Join(", ", StockSeries.TradingDaysByPeriod.Keys)}."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        StockSymbol.TryNormalize(symbolText, out var symbol);
        var today = DateOnly.FromDateTime(timeProvider.GetUtcNow().UtcDateTime);
        var prices = StockSeries.Generate(symbol, tradingDays, today);
        return Results.Json(new StockResponse(symbol, period, "1d", "USD", prices.Count, prices), Hosting.DemoJson.Options);
    }

    internal sealed record StockQuery(string? Symbol, string? Period);

    internal sealed record StockResponse(
        string Symbol, string Period, string Interval, string Currency, int Count, IReadOnlyList<StockSeries.PriceBar> Prices);
}
