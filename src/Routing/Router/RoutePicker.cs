using System.Buffers;
using TradingAgents.Actors.LoadBalancing;

namespace TradingAgents.Actors.Routing;

/// <summary>Which instances one pick must skip: those a request already tried, and the caller's own exclusions.</summary>
internal interface IRouteFilter
{
    /// <summary>True when the pick may not use <paramref name="endpoint"/>.</summary>
    bool Excludes(RouteEndpoint endpoint);

    /// <summary>False when the filter excludes nothing, so the policy may run on the table's arrays as they are.</summary>
    bool IsActive { get; }
}

/// <summary>
/// The ordinary pick shared by routers and the service grain's one-off <c>SelectAsync</c>: the policy over
/// the selectable instances the filter leaves, else over the draining-only ones. Allocates nothing when the
/// filter is inactive; otherwise it rents one array.
/// </summary>
internal static class RoutePicker
{
    public static RouteEndpoint? PickOrdinary<TFilter>(RouteTable table, ILoadBalancingPolicy policy, ref TFilter filter)
        where TFilter : struct, IRouteFilter
    {
        table.RefreshRamps();
        return Pick(table.Selectable, policy, ref filter) ?? Pick(table.DrainingOnly, policy, ref filter);
    }

    /// <summary>The policy over <paramref name="candidates"/> (a locality plan's set) that the filter leaves; null when none is left.</summary>
    public static RouteEndpoint? PickFrom<TFilter>(RouteEndpoint[] candidates, ILoadBalancingPolicy policy, ref TFilter filter)
        where TFilter : struct, IRouteFilter => Pick(candidates, policy, ref filter);

    private static RouteEndpoint? Pick<TFilter>(RouteEndpoint[] candidates, ILoadBalancingPolicy policy, ref TFilter filter)
        where TFilter : struct, IRouteFilter
    {
        if (candidates.Length == 0)
        {
            return null;
        }

        if (!filter.IsActive)
        {
            var index = policy.Pick(candidates);
            return index < 0 ? null : candidates[index];
        }

        var kept = ArrayPool<RouteEndpoint>.Shared.Rent(candidates.Length);
        try
        {
            var count = 0;
            foreach (var candidate in candidates)
            {
                if (!filter.Excludes(candidate))
                {
                    kept[count++] = candidate;
                }
            }

            var index = policy.Pick(kept.AsSpan(0, count));
            return index < 0 ? null : kept[index];
        }
        finally
        {
            ArrayPool<RouteEndpoint>.Shared.Return(kept, clearArray: true);
        }
    }
}

/// <summary>Skips the instances a request already tried.</summary>
internal readonly struct TriedFilter(IReadOnlyCollection<string>? tried) : IRouteFilter
{
    public bool IsActive => tried is { Count: > 0 };

    public bool Excludes(RouteEndpoint endpoint) => tried is { Count: > 0 } && tried.Contains(endpoint.InstanceId);
}
