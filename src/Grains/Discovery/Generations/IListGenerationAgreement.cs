namespace TradingAgents.Actors.Discovery;

/// <summary>Where a watcher learns the generation of a list it just made (see <see cref="ListGenerationRule"/>).</summary>
public interface IListGenerationAgreement
{
    /// <summary>The generation of a list of <paramref name="scope"/> (the namespace); throws when it cannot be agreed, so that the list is retried.</summary>
    Task<long> AgreeAsync(string scope, long known, bool versionsWentBack, CancellationToken cancellationToken);
}
