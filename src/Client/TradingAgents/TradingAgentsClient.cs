using TradingAgents.Actors.Client.Calls;

namespace TradingAgents.Actors.Client.TradingAgents;

/// <summary>
/// Typed calls to the TradingAgents services, the seed's <c>TradingAgentsClient</c>. Every call goes
/// through <see cref="ServiceCaller"/>: selected by the service grain, timed out per service
/// (analysis-engine 300 s in the seed's configuration), retried on other instances.
/// </summary>
/// <remarks>
/// A service that answers with an error status raises <see cref="ServiceCallException"/> (for example
/// 400 with the service's validation message); no selectable instance raises
/// <see cref="ServiceUnavailableException"/>.
/// </remarks>
public sealed class TradingAgentsClient(ServiceCaller caller)
{
    /// <summary>Logical name of the analysis engine.</summary>
    public const string AnalysisEngine = "analysis-engine";

    /// <summary>Logical name of the market data service.</summary>
    public const string DataService = "data-service";

    /// <summary>Logical name of the memory (vector search) service.</summary>
    public const string MemoryService = "memory-service";

    /// <summary>The analysis type of <see cref="BatchAnalysisAsync"/> unless told otherwise, as in the seed.</summary>
    public const string ComprehensiveAnalysis = "comprehensive";

    /// <summary>Submits an analysis task to the analysis engine.</summary>
    /// <param name="stockCode">Stock code, e.g. <c>AAPL</c>.</param>
    /// <param name="analysisType">Analysis type, e.g. <c>comprehensive</c>.</param>
    /// <param name="priority">Task priority: <c>low</c>, <c>normal</c>, <c>high</c> or <c>urgent</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The queued task.</returns>
    public async Task<AnalysisTask> SubmitAnalysisAsync(
        string stockCode,
        string analysisType,
        string priority = "normal",
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stockCode);
        ArgumentException.ThrowIfNullOrWhiteSpace(analysisType);
        ArgumentException.ThrowIfNullOrWhiteSpace(priority);
        var task = await caller.CallAsync<AnalysisTask>(
            AnalysisEngine,
            "/api/v1/analysis/submit",
            HttpMethod.Post,
            new AnalysisRequest(stockCode, analysisType, priority),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return task ?? throw EmptyAnswer(AnalysisEngine, "/api/v1/analysis/submit");
    }

    /// <summary>Reads the price history of <paramref name="symbol"/> from the data service.</summary>
    /// <param name="symbol">Stock symbol, e.g. <c>AAPL</c>.</param>
    /// <param name="period">History length: <c>1d</c>, <c>5d</c>, <c>1mo</c>, <c>3mo</c>, <c>6mo</c>, <c>1y</c>, <c>2y</c> or <c>5y</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The price series.</returns>
    public async Task<StockData> GetStockDataAsync(string symbol, string period = "1y", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        ArgumentException.ThrowIfNullOrWhiteSpace(period);
        var path = $"/api/v1/data/stock?symbol={Uri.EscapeDataString(symbol)}&period={Uri.EscapeDataString(period)}";
        var data = await caller.CallAsync<StockData>(DataService, path, HttpMethod.Get, cancellationToken: cancellationToken).ConfigureAwait(false);
        return data ?? throw EmptyAnswer(DataService, "/api/v1/data/stock");
    }

    /// <summary>Searches a memory collection for the texts closest to <paramref name="query"/>.</summary>
    /// <param name="collection">Collection name, e.g. <c>market_memories</c>.</param>
    /// <param name="query">Query text.</param>
    /// <param name="nResults">How many hits to return, at least 1. Default 3, as in the seed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The hits, best first.</returns>
    public async Task<MemorySearchResult> SearchMemoryAsync(
        string collection,
        string query,
        int nResults = 3,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(collection);
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(nResults, 1);
        var result = await caller.CallAsync<MemorySearchResult>(
            MemoryService,
            "/api/v1/memory/search",
            HttpMethod.Post,
            new MemorySearchRequest(collection, query, nResults),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return result ?? throw EmptyAnswer(MemoryService, "/api/v1/memory/search");
    }

    /// <summary>
    /// Submits one analysis per stock code with at most <paramref name="maxConcurrent"/> submissions in
    /// flight, and returns one result per code in input order: the task, or the error of that code alone.
    /// </summary>
    /// <param name="stockCodes">Stock codes; none may be empty.</param>
    /// <param name="maxConcurrent">Most submissions in flight at once, at least 1. Default 5, as in the seed.</param>
    /// <param name="analysisType">Analysis type of every submission. Default <c>comprehensive</c>, as in the seed.</param>
    /// <param name="cancellationToken">Cancels the whole batch.</param>
    /// <returns>One result per code, in the order of <paramref name="stockCodes"/>.</returns>
    public async Task<IReadOnlyList<BatchAnalysisResult>> BatchAnalysisAsync(
        IEnumerable<string> stockCodes,
        int maxConcurrent = 5,
        string analysisType = ComprehensiveAnalysis,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stockCodes);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrent, 1);
        ArgumentException.ThrowIfNullOrWhiteSpace(analysisType);
        var codes = stockCodes.ToArray();
        for (var i = 0; i < codes.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(codes[i]))
            {
                throw new ArgumentException($"The stock code at index {i} is empty.", nameof(stockCodes));
            }
        }

        var results = new BatchAnalysisResult[codes.Length];
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxConcurrent, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, codes.Length), options, async (index, token) =>
        {
            var code = codes[index];
            try
            {
                var task = await SubmitAnalysisAsync(code, analysisType, cancellationToken: token).ConfigureAwait(false);
                results[index] = BatchAnalysisResult.Succeeded(code, task);
            }
            catch (Exception ex) when (!token.IsCancellationRequested)
            {
                results[index] = BatchAnalysisResult.Failed(code, ex);
            }
        }).ConfigureAwait(false);
        return results;
    }

    private static InvalidOperationException EmptyAnswer(string service, string path) =>
        new($"Service '{service}' answered {path} with an empty body.");
}
