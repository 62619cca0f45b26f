using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using TradingAgents.Actors.Discovery;
using TradingAgents.Actors.Grains;

namespace TradingAgents.Actors.Silo.Api;

/// <summary>
/// Operator actions on one instance, fleet-wide (issue 12 item 5), under the discovery API and so behind
/// the operator access policy (loopback, management port, or the dashboard token):
/// <list type="bullet">
/// <item><c>GET /api/discovery/services/{service}/instances/{instanceId}</c>: status, override and history.</item>
/// <item><c>POST /api/discovery/services/{service}/instances/{instanceId}/{eject|drain|pin|restore}</c> with a JSON
/// body <c>{"reason": "...", "by": "..."}</c>: applies the action in the instance grain, which every gateway routes
/// by. <c>reason</c> is required (at most 500 characters); <c>by</c> defaults to the client's address.</item>
/// </list>
/// Errors: 400 for an unknown action, a missing or oversized reason or name; 404 for an unknown service or an
/// instance the service does not list.
/// </summary>
public static class OperatorActionEndpoints
{
    /// <summary>Longest reason accepted, in characters.</summary>
    public const int MaxReasonLength = 500;

    /// <summary>Longest operator name accepted, in characters.</summary>
    public const int MaxByLength = 100;

    /// <summary>Maps the instance endpoints into the discovery API's <paramref name="group"/>.</summary>
    public static RouteGroupBuilder MapOperatorActions(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);

        group.MapGet("/services/{name}/instances/{instanceId}", async (string name, string instanceId, EndpointCatalog catalog, IGrainFactory grains) =>
        {
            if (await FindAsync(name, instanceId, catalog, grains).ConfigureAwait(false) is { } missing)
            {
                return missing;
            }

            return Results.Ok(await grains.GetGrain<IInstanceGrain>(InstanceKey.Format(name, instanceId)).GetDetailsAsync().ConfigureAwait(false));
        });

        group.MapPost("/services/{name}/instances/{instanceId}/{action}", async (string name, string instanceId, string action, HttpContext context, EndpointCatalog catalog, IGrainFactory grains) =>
        {
            if (!TryParseAction(action, out var parsed))
            {
                return Invalid($"Unknown action '{action}'. Actions: eject, drain, pin, restore.", name, instanceId);
            }

            OperatorActionBody? body = null;
            if (context.Request.ContentLength is not 0)
            {
                if (!context.Request.HasJsonContentType())
                {
                    return Invalid($"The body must be JSON like {{\"reason\": \"bad deploy\", \"by\": \"alice\"}}, sent with Content-Type: application/json (got '{context.Request.ContentType}').", name, instanceId);
                }

                try
                {
                    using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
                    if (document.RootElement.ValueKind != JsonValueKind.Object)
                    {
                        return Invalid($"The body must be a JSON object like {{\"reason\": \"bad deploy\", \"by\": \"alice\"}}, not {document.RootElement.ValueKind.ToString().ToLowerInvariant()}.", name, instanceId);
                    }

                    var json = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
                    body = document.RootElement.Deserialize<OperatorActionBody>(json);
                }
                catch (JsonException exception)
                {
                    // The serializer's message names our types; say only where in the body it failed.
                    var where = exception.Path is { Length: > 1 } path ? $"'{path.TrimStart('$', '.')}' must be a string" : "it is not valid JSON";
                    return Invalid($"The body must be JSON like {{\"reason\": \"bad deploy\", \"by\": \"alice\"}}: {where}.", name, instanceId);
                }
            }

            var reason = body?.Reason?.Trim();
            if (string.IsNullOrEmpty(reason))
            {
                return Invalid("'reason' is required: say why, it goes into the instance's history.", name, instanceId);
            }

            if (reason.Length > MaxReasonLength)
            {
                return Invalid($"'reason' is {reason.Length.ToString(CultureInfo.InvariantCulture)} characters; at most {MaxReasonLength.ToString(CultureInfo.InvariantCulture)}.", name, instanceId);
            }

            var by = body?.By?.Trim();
            if (by is { Length: > MaxByLength })
            {
                return Invalid($"'by' is {by.Length.ToString(CultureInfo.InvariantCulture)} characters; at most {MaxByLength.ToString(CultureInfo.InvariantCulture)}.", name, instanceId);
            }

            if (string.IsNullOrEmpty(by))
            {
                by = $"operator at {context.Connection.RemoteIpAddress?.ToString() ?? "unknown address"}";
            }

            if (await FindAsync(name, instanceId, catalog, grains).ConfigureAwait(false) is { } missing)
            {
                return missing;
            }

            var details = await grains.GetGrain<IInstanceGrain>(InstanceKey.Format(name, instanceId))
                .ApplyOperatorActionAsync(new OperatorActionRequest(parsed, by, reason))
                .ConfigureAwait(false);
            return Results.Ok(details);
        });

        return group;
    }

    /// <summary>Parses <c>eject</c>, <c>drain</c>, <c>pin</c> or <c>restore</c> (case-insensitive).</summary>
    public static bool TryParseAction(string text, out OperatorAction action)
    {
        action = default;
        return !string.IsNullOrEmpty(text)
            && !char.IsDigit(text[0])
            && Enum.TryParse(text, ignoreCase: true, out action)
            && Enum.IsDefined(action);
    }

    /// <summary>Null when <paramref name="instanceId"/> is an instance of service <paramref name="name"/>; else the 404 to answer.</summary>
    private static async Task<IResult?> FindAsync(string name, string instanceId, EndpointCatalog catalog, IGrainFactory grains)
    {
        if (!catalog.IsKnown(name))
        {
            return DiscoveryApiEndpoints.UnknownService(name);
        }

        var snapshot = await grains.GetGrain<IServiceGrain>(name).GetSnapshotAsync().ConfigureAwait(false);
        return snapshot.Instances.Any(i => string.Equals(i.InstanceId, instanceId, StringComparison.Ordinal))
            ? null
            : UnknownInstance($"Service '{name}' has no instance '{instanceId}' (instances are host:port, as listed by GET /api/discovery/services/{name}).", name, instanceId);
    }

    private static IResult UnknownInstance(string detail, string service, string instanceId) => Results.Problem(
        detail: detail,
        statusCode: StatusCodes.Status404NotFound,
        title: "Unknown instance",
        extensions: new Dictionary<string, object?> { ["service"] = service, ["instanceId"] = instanceId });

    private static IResult Invalid(string detail, string service, string instanceId) => Results.Problem(
        detail: detail,
        statusCode: StatusCodes.Status400BadRequest,
        title: "Invalid operator action",
        extensions: new Dictionary<string, object?> { ["service"] = service, ["instanceId"] = instanceId });

    /// <summary>The request body.</summary>
    /// <param name="Reason">Why (required).</param>
    /// <param name="By">Who (optional).</param>
    private sealed record OperatorActionBody(string? Reason, string? By);
}
