using TradingAgents.Actors.Configuration;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Grains;
using TradingAgents.Actors.Routing;
using TradingAgents.Actors.Silo.Gateway;

namespace TradingAgents.Actors.Silo.Api;

/// <summary>
/// The discovery API under <c>/api/discovery</c>: the services, one service's snapshot, this gateway's
/// routers (snapshot version and age), the configuration's reload state, a one-off selection, and operator
/// actions on instances (<see cref="OperatorActionEndpoints"/>). Unknown names get 404 from the endpoint catalog
/// without activating a grain.
/// </summary>
public static class DiscoveryApiEndpoints
{
    /// <summary>Maps the discovery API.</summary>
    public static RouteGroupBuilder MapDiscoveryApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup("/api/discovery");

        group.MapGet("/services", async (EndpointCatalog catalog, IGrainFactory grains, ConfigurationReloadStatus configuration) =>
        {
            var names = catalog.GetKnownServices();
            var snapshots = await Task.WhenAll(names.Select(name => grains.GetGrain<IServiceGrain>(name).GetSnapshotAsync().AsTask())).ConfigureAwait(false);
            var services = snapshots
                .Select(s => new ServiceSummary(s.Service, s.Algorithm, s.Instances.Count, s.Instances.Count(i => i.Selectable)))
                .ToList();
            return TypedResults.Ok(new ServiceList(services, configuration.Current));
        });

        // Whether the latest reload of config.yaml was rejected, and since when the configuration in force applies.
        group.MapGet("/configuration", (ConfigurationReloadStatus configuration) => TypedResults.Ok(configuration.Current));

        // This gateway's data plane: what each router routes from, how old it is, its calls in flight,
        // and its picks over the last 30 s (read from the start, so a fresh page shows a recent share).
        var recent = StartRecentPicks(endpoints.ServiceProvider);
        group.MapGet("/routers", (ServiceRouters routers) => TypedResults.Ok(routers.All
            .OrderBy(r => r.Service, StringComparer.Ordinal)
            .Select(r => new RouterSummary(
                r.Service, r.Snapshot.Epoch, r.Snapshot.Version, r.SnapshotAge?.TotalSeconds, r.ControlPlaneError, r.InFlight, r.Picks,
                recent.Of(r), RecentPicks.Window.TotalSeconds, RouterRetryBudgetSummary.Of(r.RetryBudget), RouterLocalitySummary.Of(r),
                r.HasSnapshot ? r.Snapshot.Algorithm : null))
            .ToList()));

        group.MapGet("/services/{name}", async (string name, EndpointCatalog catalog, IGrainFactory grains) =>
        {
            if (!catalog.IsKnown(name))
            {
                return UnknownService(name);
            }

            var snapshot = await grains.GetGrain<IServiceGrain>(name).GetSnapshotAsync().ConfigureAwait(false);
            return Results.Ok(snapshot);
        });

        group.MapPost("/services/{name}/select", async (string name, HttpContext context, EndpointCatalog catalog, IGrainFactory grains, ServiceForwarder forwarder, ServiceRouters routers) =>
        {
            if (!catalog.IsKnown(name))
            {
                return UnknownService(name);
            }

            // Inspect: a debugging pick takes no trial lease and counts nothing (issue 9 item 8).
            var selection = await grains.GetGrain<IServiceGrain>(name).SelectAsync(new SelectionRequest(Inspect: true)).ConfigureAwait(false);
            switch (selection.Status)
            {
                case SelectionStatus.Selected:
                    return Results.Ok(selection);
                case SelectionStatus.UnknownService:
                    return UnknownService(name);
                default:
                    var anyOpen = routers.Get(name).Snapshot.Instances.Any(i => i.Circuit == CircuitState.Open);
                    var retryAfter = forwarder.GetRetryAfterSeconds(new RouteFailure(selection.Status, selection.Reason ?? string.Empty, anyOpen));
                    context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    return Results.Problem(
                        detail: selection.Reason,
                        statusCode: StatusCodes.Status503ServiceUnavailable,
                        title: "No instance available",
                        extensions: new Dictionary<string, object?> { ["service"] = name, ["selectionStatus"] = selection.Status });
            }
        });

        group.MapOperatorActions();
        return group;
    }

    private static RecentPicks StartRecentPicks(IServiceProvider services)
    {
        var clock = services.GetKeyedService<TimeProvider>(RecentPicks.ClockKey) ?? services.GetService<TimeProvider>() ?? TimeProvider.System;
        // Resolved once: the timer must not reach into a container that is being disposed.
        var routers = services.GetService<ServiceRouters>();
        var recent = new RecentPicks(() => routers?.All ?? [], clock);
        services.GetService<IHostApplicationLifetime>()?.ApplicationStopping.Register(recent.Dispose);
        return recent;
    }

    /// <summary>The 404 for a service neither configured nor discovered (problem JSON with <c>service</c>).</summary>
    internal static IResult UnknownService(string name) => Results.Problem(
        detail: $"Service '{name}' is neither configured nor discovered.",
        statusCode: StatusCodes.Status404NotFound,
        title: "Unknown service",
        extensions: new Dictionary<string, object?> { ["service"] = name });
}
