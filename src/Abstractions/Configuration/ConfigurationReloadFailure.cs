namespace TradingAgents.Actors.Configuration;

/// <summary>A reading of the configuration that was rejected; the last good configuration stayed in force.</summary>
/// <param name="At">When the rejected reading happened.</param>
/// <param name="Reason">One line: the YAML syntax error, or how many keys were wrong and the first of them.</param>
/// <param name="Errors">Every problem found, one line each, each starting with the key's full path.</param>
public sealed record ConfigurationReloadFailure(DateTimeOffset At, string Reason, IReadOnlyList<string> Errors);
