namespace TradingAgents.Actors.Discovery;

/// <summary>
/// The one order of the sets of one source: by <see cref="EndpointSetUpdate.Generation"/>, then by
/// <see cref="EndpointSetUpdate.Version"/>. The catalog and the service grain both apply it, so that a
/// set a silo's catalog rejects is never applied by a grain and the other way round.
/// </summary>
public static class EndpointSetOrder
{
    /// <summary>Negative when <paramref name="update"/> is older than <paramref name="held"/>, 0 when it is the same version, positive when newer.</summary>
    public static int Compare(EndpointSetUpdate update, EndpointSetUpdate held)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(held);
        var byGeneration = update.Generation.CompareTo(held.Generation);
        return byGeneration != 0 ? byGeneration : update.Version.CompareTo(held.Version);
    }

    /// <summary>
    /// True when a service whose sets are <paramref name="sets"/> is gone: no set lists an endpoint
    /// and at least one source withdrew the service (see <see cref="EndpointSetUpdate.Withdrawn"/>).
    /// Configured services are never gone; callers check that.
    /// </summary>
    public static bool IsGone(IEnumerable<EndpointSetUpdate> sets)
    {
        ArgumentNullException.ThrowIfNull(sets);
        var withdrawn = false;
        foreach (var set in sets)
        {
            if (!set.Endpoints.IsDefaultOrEmpty)
            {
                return false;
            }

            withdrawn |= set.Withdrawn;
        }

        return withdrawn;
    }
}
