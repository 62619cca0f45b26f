namespace TradingAgents.Actors.Discovery;

/// <summary>The agreement of a single process (one watcher, or several in one process): the rule in memory.</summary>
public sealed class LocalListGenerationAgreement(TimeProvider timeProvider) : IListGenerationAgreement
{
    private readonly Dictionary<string, ListGenerationRule> _rules = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task<long> AgreeAsync(string scope, long known, bool versionsWentBack, CancellationToken cancellationToken)
    {
        lock (_rules)
        {
            if (!_rules.TryGetValue(scope, out var rule))
            {
                rule = new ListGenerationRule();
                _rules[scope] = rule;
            }

            return Task.FromResult(rule.Agree(known, versionsWentBack, timeProvider.GetUtcNow()));
        }
    }
}
