namespace TradingAgents.Actors.Discovery;

/// <summary>
/// Where an endpoint source hands its whole versioned sets. <see cref="EndpointCatalog"/> is the
/// implementation in a silo; sources depend on this interface so that they can be tested without grains.
/// </summary>
public interface IEndpointSetPublisher
{
    /// <summary>
    /// Publishes <paramref name="update"/> as the newest set of its source for <paramref name="service"/>.
    /// Throws when the set could not be delivered, so that the source retries.
    /// </summary>
    Task<ApplyResult> PublishAsync(string service, EndpointSetUpdate update, CancellationToken cancellationToken = default);
}
