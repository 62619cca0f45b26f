using System.Net;
using TradingAgents.Actors.Client.Calls;
using TradingAgents.Actors.Client.TradingAgents;
using TradingAgents.Actors.Tests.Infrastructure;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.TradingAgents;

[Collection(ClientClusterCollection.Name)]
public sealed class TradingAgentsClientTests(ClientClusterFixture fixture)
{
    [Fact]
    public async Task SubmitAnalysisAsync_ValidCode_ReturnsTheQueuedTask()
    {
        await using var backends = await Backends.StartAsync(DemoServiceKind.AnalysisEngine, 2, "submit");
        await fixture.PublishAsync(TradingAgentsClient.AnalysisEngine, backends.All);
        await using var client = new ClientHost(fixture);

        var task = await client.TradingAgents.SubmitAnalysisAsync("aapl", "technical", "high");

        Assert.Equal(("AAPL", "technical", "high", "queued", 30), (task.StockCode, task.AnalysisType, task.Priority, task.Status, task.EstimatedSeconds));
        Assert.Matches("^submit-[12]-", task.TaskId);
    }

    [Fact]
    public async Task GetStockDataAsync_SymbolAndPeriod_SendsThemAsQueryAndReadsTheSeries()
    {
        await using var backends = await Backends.StartAsync(DemoServiceKind.DataService, 1, "stock");
        await fixture.PublishAsync(TradingAgentsClient.DataService, backends.All);
        await using var client = new ClientHost(fixture);

        var data = await client.TradingAgents.GetStockDataAsync("MSFT", "1mo");

        Assert.Equal(("MSFT", "1mo", 21), (data.Symbol, data.Period, data.Count));
        Assert.Equal(21, data.Prices.Count);
        Assert.All(data.Prices, bar => Assert.InRange(bar.Low, 0.01, bar.High));
    }

    [Fact]
    public async Task SearchMemoryAsync_FourResults_ReturnsFourHitsBestFirst()
    {
        await using var backends = await Backends.StartAsync(DemoServiceKind.MemoryService, 1, "memory");
        await fixture.PublishAsync(TradingAgentsClient.MemoryService, backends.All);
        await using var client = new ClientHost(fixture);

        var result = await client.TradingAgents.SearchMemoryAsync("market_memories", "earnings beat", nResults: 4);

        Assert.Equal(("market_memories", "earnings beat", 4), (result.CollectionName, result.Query, result.Count));
        Assert.Equal(4, result.Results.Count);
        Assert.Equal(result.Results.OrderByDescending(hit => hit.Score), result.Results);
        Assert.All(result.Results, hit => Assert.StartsWith("market_memories-", hit.Id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task BatchAnalysisAsync_TwelveCodes_NeverMoreThanMaxConcurrentInFlight()
    {
        await using var backends = await Backends.StartAsync(DemoServiceKind.AnalysisEngine, 1, "batch-limit");
        await fixture.PublishAsync(TradingAgentsClient.AnalysisEngine, backends.All);
        await using var client = new ClientHost(fixture);
        var backend = backends[0];
        backend.Faults.Hang = true;
        string[] codes = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L"];

        // Hold the first submissions until the limit is reached, so that an unbounded batch would
        // have had every other submission arrive too; then let everything through.
        var batch = client.TradingAgents.BatchAnalysisAsync(codes, maxConcurrent: 3);
        await backend.WhenInFlightAtLeastAsync(3).WaitAsync(TimeSpan.FromSeconds(30));
        backend.Faults.Hang = false;
        var results = await batch.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(3, backend.MaxInFlightRequests);
        Assert.Equal(12, backend.TotalRequests);
        Assert.Equal(codes, results.Select(r => r.StockCode));
        Assert.All(results, r => Assert.True(r.IsSuccess, r.Error?.Message));
        Assert.Equal(codes, results.Select(r => r.Task!.StockCode));
    }

    [Fact]
    public async Task BatchAnalysisAsync_OneBadCode_ReportsThatItemsErrorAndTheOthersSucceed()
    {
        await using var backends = await Backends.StartAsync(DemoServiceKind.AnalysisEngine, 2, "batch-errors");
        await fixture.PublishAsync(TradingAgentsClient.AnalysisEngine, backends.All);
        await using var client = new ClientHost(fixture);

        var results = await client.TradingAgents.BatchAnalysisAsync(["AAPL", "!!!", "NVDA"], maxConcurrent: 2);

        Assert.Equal(["AAPL", "!!!", "NVDA"], results.Select(r => r.StockCode));
        Assert.True(results[0].IsSuccess);
        Assert.True(results[2].IsSuccess);
        Assert.Equal("NVDA", results[2].Task!.StockCode);
        var error = Assert.IsType<ServiceCallException>(results[1].Error);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains("'!!!' is not a stock code", error.ResponseBody, StringComparison.Ordinal);
        Assert.Equal(3, backends[0].TotalRequests + backends[1].TotalRequests);
    }

    [Fact]
    public async Task BatchAnalysisAsync_MaxConcurrentBelowOne_ThrowsNamingTheParameter()
    {
        await using var client = new ClientHost(fixture);

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.TradingAgents.BatchAnalysisAsync(["AAPL"], maxConcurrent: 0));

        Assert.Equal("maxConcurrent", error.ParamName);
    }

    [Fact]
    public async Task BatchAnalysisAsync_EmptyCode_ThrowsNamingTheParameterAndIndex()
    {
        await using var client = new ClientHost(fixture);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.TradingAgents.BatchAnalysisAsync(["AAPL", " "]));

        Assert.Equal("stockCodes", error.ParamName);
        Assert.StartsWith("The stock code at index 1 is empty.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "stockCode")]
    [InlineData("  ", "stockCode")]
    public async Task SubmitAnalysisAsync_EmptyCode_ThrowsNamingTheParameter(string code, string parameter)
    {
        await using var client = new ClientHost(fixture);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.TradingAgents.SubmitAnalysisAsync(code, "comprehensive"));

        Assert.Equal(parameter, error.ParamName);
    }

    [Fact]
    public async Task SearchMemoryAsync_ZeroResults_ThrowsNamingTheParameter()
    {
        await using var client = new ClientHost(fixture);

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.TradingAgents.SearchMemoryAsync("c", "q", nResults: 0));

        Assert.Equal("nResults", error.ParamName);
    }
}
