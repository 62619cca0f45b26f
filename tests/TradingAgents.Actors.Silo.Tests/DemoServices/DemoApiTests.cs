using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using TradingAgents.DemoServices;

namespace TradingAgents.Actors.Tests.DemoServices;

public sealed class DemoApiTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 3, 4, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);
    private readonly List<DemoBackend> _backends = [];
    private readonly List<HttpClient> _clients = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _clients.ForEach(client => client.Dispose());
        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }
    }

    [Fact]
    public async Task Submit_ValidRequest_Returns202QueuedTask()
    {
        var client = await StartAsync(DemoServiceKind.AnalysisEngine, "analysis-1");

        using var response = await client.PostJsonAsync("/api/v1/analysis/submit", new { stock_code = "aapl", analysis_type = "technical", priority = "high" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("analysis-1-000001", body.GetProperty("task_id").GetString());
        Assert.Equal("AAPL", body.GetProperty("stock_code").GetString());
        Assert.Equal("technical", body.GetProperty("analysis_type").GetString());
        Assert.Equal("high", body.GetProperty("priority").GetString());
        Assert.Equal("queued", body.GetProperty("status").GetString());
        Assert.Equal(30, body.GetProperty("estimated_seconds").GetInt32());
        Assert.Equal(Now, body.GetProperty("submitted_at").GetDateTimeOffset());
    }

    [Fact]
    public async Task Submit_TwoRequests_TaskIdsAreDistinctAndDefaultsApply()
    {
        var client = await StartAsync(DemoServiceKind.AnalysisEngine, "analysis-1");

        using var first = await client.PostJsonAsync("/api/v1/analysis/submit", new { stock_code = "MSFT" });
        using var second = await client.PostJsonAsync("/api/v1/analysis/submit", new { stock_code = "000001.SZ" });

        var firstBody = await first.JsonAsync();
        Assert.Equal("analysis-1-000001", firstBody.GetProperty("task_id").GetString());
        Assert.Equal("comprehensive", firstBody.GetProperty("analysis_type").GetString());
        Assert.Equal("normal", firstBody.GetProperty("priority").GetString());
        Assert.Equal(120, firstBody.GetProperty("estimated_seconds").GetInt32());
        Assert.Equal("analysis-1-000002", (await second.JsonAsync()).GetProperty("task_id").GetString());
    }

    [Theory]
    [InlineData("""{"analysis_type":"comprehensive"}""", "stock_code")]
    [InlineData("""{"stock_code":"AA PL"}""", "stock_code")]
    [InlineData("""{"stock_code":""}""", "stock_code")]
    [InlineData("""{"stock_code":42}""", "stock_code")]
    [InlineData("""{"stock_code":"AAPL","priority":"asap"}""", "priority")]
    [InlineData("""{"stock_code":"AAPL","analysis_type":"a b"}""", "analysis_type")]
    [InlineData("not json", "body")]
    [InlineData("", "body")]
    public async Task Submit_BadInput_Returns400NamingTheField(string json, string field)
    {
        var client = await StartAsync(DemoServiceKind.AnalysisEngine, "analysis-1");

        using var response = await client.PostRawAsync("/api/v1/analysis/submit", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal([field], (await response.JsonAsync()).ErrorFields());
    }

    [Fact]
    public async Task GetStock_SymbolAndPeriod_ReturnsTradingDaysEndingToday()
    {
        var client = await StartAsync(DemoServiceKind.DataService, "data-1");

        using var response = await client.GetAsync("/api/v1/data/stock?symbol=aapl&period=1mo");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("AAPL", body.GetProperty("symbol").GetString());
        Assert.Equal("1mo", body.GetProperty("period").GetString());
        Assert.Equal(21, body.GetProperty("count").GetInt32());
        var prices = body.GetProperty("prices").EnumerateArray().ToList();
        Assert.Equal(21, prices.Count);
        Assert.Equal("2026-03-04", prices[^1].GetProperty("date").GetString());
        Assert.DoesNotContain(prices, bar => DateOnly.Parse(bar.GetProperty("date").GetString()!).DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday);
        Assert.All(prices, bar =>
        {
            var low = bar.GetProperty("low").GetDouble();
            var high = bar.GetProperty("high").GetDouble();
            Assert.InRange(bar.GetProperty("open").GetDouble(), low, high);
            Assert.InRange(bar.GetProperty("close").GetDouble(), low, high);
        });
    }

    [Fact]
    public async Task GetStock_SameSymbolOnTwoInstances_SamePricesAndShorterPeriodIsTail()
    {
        var first = await StartAsync(DemoServiceKind.DataService, "data-1");
        var second = await StartAsync(DemoServiceKind.DataService, "data-2");

        var year = (await (await first.GetAsync("/api/v1/data/stock?symbol=NVDA")).JsonAsync()).GetProperty("prices");
        var week = (await (await second.GetAsync("/api/v1/data/stock?symbol=NVDA&period=5d")).JsonAsync()).GetProperty("prices");
        var other = (await (await first.GetAsync("/api/v1/data/stock?symbol=TSLA&period=5d")).JsonAsync()).GetProperty("prices");

        Assert.Equal(252, year.GetArrayLength());
        var yearTail = year.EnumerateArray().TakeLast(5).Select(bar => bar.GetRawText());
        Assert.Equal(yearTail, week.EnumerateArray().Select(bar => bar.GetRawText()));
        Assert.NotEqual(week.EnumerateArray().Select(bar => bar.GetProperty("close").GetDouble()), other.EnumerateArray().Select(bar => bar.GetProperty("close").GetDouble()));
    }

    [Fact]
    public async Task GetStock_ParametersInJsonBodyAsTheSeedSendsThem_ReturnsSeries()
    {
        var client = await StartAsync(DemoServiceKind.DataService, "data-1");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/data/stock")
        {
            Content = new StringContent("""{"symbol":"AAPL","period":"5d"}""", System.Text.Encoding.UTF8, "application/json"),
        };

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(5, (await response.JsonAsync()).GetProperty("count").GetInt32());
    }

    [Theory]
    [InlineData("/api/v1/data/stock", "symbol")]
    [InlineData("/api/v1/data/stock?period=1y", "symbol")]
    [InlineData("/api/v1/data/stock?symbol=$$$", "symbol")]
    [InlineData("/api/v1/data/stock?symbol=AAPL&period=7y", "period")]
    public async Task GetStock_BadInput_Returns400NamingTheField(string path, string field)
    {
        var client = await StartAsync(DemoServiceKind.DataService, "data-1");

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal([field], (await response.JsonAsync()).ErrorFields());
    }

    [Fact]
    public async Task SearchMemory_ValidRequest_ReturnsNResultsBestFirst()
    {
        var client = await StartAsync(DemoServiceKind.MemoryService, "memory-1");

        using var response = await client.PostJsonAsync("/api/v1/memory/search", new { collection_name = "market_memories", query = "AAPL earnings", n_results = 5 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("market_memories", body.GetProperty("collection_name").GetString());
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(5, results.Count);
        var scores = results.Select(result => result.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(scores.OrderDescending(), scores);
        Assert.Equal(5, results.Select(result => result.GetProperty("id").GetString()).Distinct().Count());
        Assert.All(results, result => Assert.False(string.IsNullOrEmpty(result.GetProperty("text").GetString())));
    }

    [Fact]
    public async Task SearchMemory_NoCount_ReturnsThree()
    {
        var client = await StartAsync(DemoServiceKind.MemoryService, "memory-1");

        using var response = await client.PostJsonAsync("/api/v1/memory/search", new { collection_name = "news", query = "rates" });

        Assert.Equal(3, (await response.JsonAsync()).GetProperty("results").GetArrayLength());
    }

    [Theory]
    [InlineData("""{"query":"x","n_results":3}""", "collection_name")]
    [InlineData("""{"collection_name":"a b","query":"x"}""", "collection_name")]
    [InlineData("""{"collection_name":"news","n_results":3}""", "query")]
    [InlineData("""{"collection_name":"news","query":"x","n_results":0}""", "n_results")]
    [InlineData("""{"collection_name":"news","query":"x","n_results":51}""", "n_results")]
    [InlineData("""{"collection_name":"news","query":"x","n_results":"three"}""", "n_results")]
    public async Task SearchMemory_BadInput_Returns400NamingTheField(string json, string field)
    {
        var client = await StartAsync(DemoServiceKind.MemoryService, "memory-1");

        using var response = await client.PostRawAsync("/api/v1/memory/search", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal([field], (await response.JsonAsync()).ErrorFields());
    }

    [Fact]
    public async Task Chat_Messages_EchoesLastUserMessage()
    {
        var client = await StartAsync(DemoServiceKind.LlmService, "llm-1");

        using var response = await client.PostJsonAsync("/api/v1/llm/chat", new
        {
            messages = new[] { new { role = "system", content = "be brief" }, new { role = "user", content = "summarise AAPL" } },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        var choice = body.GetProperty("choices")[0];
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        Assert.Equal("Echo: summarise AAPL", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(4, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(3, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Complete_MaxTokensBelowEchoLength_CutsAndReportsLength()
    {
        var client = await StartAsync(DemoServiceKind.LlmService, "llm-1");

        using var response = await client.PostJsonAsync("/api/v1/llm/complete", new { prompt = "one two three four", max_tokens = 3 });

        var body = await response.JsonAsync();
        Assert.Equal("Echo: one two", body.GetProperty("text").GetString());
        Assert.Equal("length", body.GetProperty("finish_reason").GetString());
    }

    [Theory]
    [InlineData("/api/v1/llm/chat", """{"messages":[]}""", "messages")]
    [InlineData("/api/v1/llm/chat", """{"messages":[{"role":"robot","content":"hi"}]}""", "messages[0].role")]
    [InlineData("/api/v1/llm/chat", """{"messages":[{"role":"user"}]}""", "messages[0].content")]
    [InlineData("/api/v1/llm/complete", """{"prompt":""}""", "prompt")]
    [InlineData("/api/v1/llm/complete", """{"prompt":"hi","max_tokens":0}""", "max_tokens")]
    public async Task Llm_BadInput_Returns400NamingTheField(string path, string json, string field)
    {
        var client = await StartAsync(DemoServiceKind.LlmService, "llm-1");

        using var response = await client.PostRawAsync(path, json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal([field], (await response.JsonAsync()).ErrorFields());
    }

    [Theory]
    [InlineData("GET", "/health", HttpStatusCode.OK)]
    [InlineData("GET", "/ready", HttpStatusCode.OK)]
    [InlineData("GET", "/api/v1/data/stock?symbol=AAPL", HttpStatusCode.OK)]
    [InlineData("GET", "/api/v1/data/stock", HttpStatusCode.BadRequest)]
    [InlineData("GET", "/admin/faults", HttpStatusCode.OK)]
    [InlineData("GET", "/nowhere", HttpStatusCode.NotFound)]
    [InlineData("POST", "/api/v1/analysis/submit", HttpStatusCode.NotFound)]
    public async Task AnyResponse_CarriesInstanceAndServiceHeaders(string method, string path, HttpStatusCode expected)
    {
        var client = await StartAsync(DemoServiceKind.DataService, "data-7");

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(["data-7"], response.Headers.GetValues(DemoBackend.InstanceHeader));
        Assert.Equal(["data-service"], response.Headers.GetValues(DemoBackend.ServiceHeader));
    }

    [Fact]
    public async Task Health_Healthy_NamesInstanceAndCountsProbes()
    {
        var client = await StartAsync(DemoServiceKind.MemoryService, "memory-2");

        using var health = await client.GetAsync("/health");
        using var ready = await client.GetAsync("/ready");

        var body = await health.JsonAsync();
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Equal("memory-2", body.GetProperty("instance").GetString());
        Assert.Equal("ready", (await ready.JsonAsync()).GetProperty("status").GetString());
        Assert.Equal(2, _backends[0].HealthProbes);
        Assert.Equal(0, _backends[0].TotalRequests);
    }

    [Fact]
    public async Task UnknownPath_Returns404ProblemNamingThePath()
    {
        var client = await StartAsync(DemoServiceKind.LlmService, "llm-1");

        using var response = await client.GetAsync("/api/v2/whatever");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("llm-service has no route for GET /api/v2/whatever.", (await response.JsonAsync()).GetProperty("detail").GetString());
    }

    private async Task<HttpClient> StartAsync(DemoServiceKind service, string instance)
    {
        var backend = await DemoBackend.StartAsync(new DemoBackendOptions { Service = service, InstanceName = instance, TimeProvider = _time });
        _backends.Add(backend);
        var client = new HttpClient { BaseAddress = backend.BaseAddress };
        _clients.Add(client);
        return client;
    }
}
