using TradingAgents.Actors.Grains;

namespace TradingAgents.Actors.Discovery;

/// <summary>The fleet-wide agreement of a silo: one <see cref="IListGenerationGrain"/> per namespace.</summary>
public sealed class GrainListGenerationAgreement(IGrainFactory grainFactory) : IListGenerationAgreement
{
    /// <inheritdoc />
    public Task<long> AgreeAsync(string scope, long known, bool versionsWentBack, CancellationToken cancellationToken) =>
        grainFactory.GetGrain<IListGenerationGrain>(scope).AgreeAsync(known, versionsWentBack).AsTask().WaitAsync(cancellationToken);
}
