namespace TradingAgents.Actors.Tests.Http;

/// <summary>A typed client as an application would write one: it knows paths, not instances.</summary>
public sealed class StockReader(HttpClient http)
{
    public Task<HttpResponseMessage> GetAsync(string symbol) =>
        http.GetAsync(new Uri($"/api/v1/data/stock?symbol={symbol}&period=1d", UriKind.Relative));
}
