namespace TradingAgents.DemoServices;

/// <summary>The four TradingAgents services a demo backend can stand in for.</summary>
public enum DemoServiceKind
{
    /// <summary><c>analysis-engine</c>, default port 8005: <c>POST /api/v1/analysis/submit</c>.</summary>
    AnalysisEngine,

    /// <summary><c>data-service</c>, default port 8003: <c>GET /api/v1/data/stock</c>.</summary>
    DataService,

    /// <summary><c>llm-service</c>, default port 8004: <c>POST /api/v1/llm/chat</c> and <c>/api/v1/llm/complete</c>.</summary>
    LlmService,

    /// <summary><c>memory-service</c>, default port 8006: <c>POST /api/v1/memory/search</c>.</summary>
    MemoryService,
}
