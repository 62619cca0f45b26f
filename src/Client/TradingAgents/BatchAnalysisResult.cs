using System.Diagnostics.CodeAnalysis;

namespace TradingAgents.Actors.Client.TradingAgents;

/// <summary>The outcome of one stock code of <see cref="TradingAgentsClient.BatchAnalysisAsync"/>: a task or an error.</summary>
public sealed record BatchAnalysisResult
{
    private BatchAnalysisResult(string stockCode, AnalysisTask? task, Exception? error)
    {
        StockCode = stockCode;
        Task = task;
        Error = error;
    }

    /// <summary>The stock code as given.</summary>
    public string StockCode { get; }

    /// <summary>The submitted task, when the submission succeeded.</summary>
    public AnalysisTask? Task { get; }

    /// <summary>Why the submission failed, when it did (e.g. a <see cref="Calls.ServiceCallException"/> with status 400).</summary>
    public Exception? Error { get; }

    /// <summary>True when the submission succeeded.</summary>
    [MemberNotNullWhen(true, nameof(Task))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    /// <summary>A successful submission.</summary>
    public static BatchAnalysisResult Succeeded(string stockCode, AnalysisTask task)
    {
        ArgumentNullException.ThrowIfNull(stockCode);
        ArgumentNullException.ThrowIfNull(task);
        return new(stockCode, task, null);
    }

    /// <summary>A failed submission.</summary>
    public static BatchAnalysisResult Failed(string stockCode, Exception error)
    {
        ArgumentNullException.ThrowIfNull(stockCode);
        ArgumentNullException.ThrowIfNull(error);
        return new(stockCode, null, error);
    }
}
