namespace TradingAgents.Actors.Discovery.Kubernetes;

/// <summary>Why an EndpointSlice (or a watch line) was not used, as a metric tag and a sentence for the log.</summary>
/// <param name="Reason">Short snake_case reason, the <c>reason</c> tag of <c>endpoint_watcher_rejected_objects</c>.</param>
/// <param name="Detail">What exactly was wrong, naming the field.</param>
internal sealed record SliceRejection(string Reason, string Detail);
