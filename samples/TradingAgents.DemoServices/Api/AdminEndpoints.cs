using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using TradingAgents.DemoServices.Hosting;

namespace TradingAgents.DemoServices.Api;

/// <summary>
/// <c>/admin/faults</c> (GET current, PUT set the listed fields, DELETE clear) and <c>/admin/stats</c>.
/// Faults never apply here, so a hung or failing instance can always be repaired.
/// </summary>
internal static class AdminEndpoints
{
    private const long MaxLatencyMs = 600_000;
    private static readonly string[] Fields = ["latency_ms", "error_rate", "hang", "unhealthy"];

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/admin/faults", (DemoFaults faults) => Results.Json(FaultsDocument.Of(faults), DemoJson.Options));
        endpoints.MapPut("/admin/faults", PutAsync);
        endpoints.MapDelete("/admin/faults", (DemoFaults faults, InstanceIdentity identity, ILogger<DemoBackend> logger) =>
        {
            faults.Clear();
            return Changed(faults, identity, logger);
        });
        endpoints.MapGet("/admin/stats", (RequestCounters counters, InstanceIdentity identity) => Results.Json(
            new StatsDocument(identity.Service, identity.Instance, counters.Total, counters.InFlight, counters.MaxInFlight, counters.HealthProbes),
            DemoJson.Options));
    }

    private static async Task<IResult> PutAsync(
        HttpRequest request, DemoFaults faults, InstanceIdentity identity, ILogger<DemoBackend> logger, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            return Problems.Invalid("body", $"Not valid JSON: {ex.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Problems.Invalid("body", $"A JSON object with any of {string.Join(", ", Fields)} is required.");
            }

            var errors = new Dictionary<string, string[]>();
            long? latencyMs = null;
            double? errorRate = null;
            bool? hang = null;
            bool? unhealthy = null;
            foreach (var field in document.RootElement.EnumerateObject())
            {
                switch (field.Name)
                {
                    case "latency_ms":
                        if (field.Value.ValueKind == JsonValueKind.Number && field.Value.TryGetInt64(out var ms) && ms is >= 0 and <= MaxLatencyMs)
                        {
                            latencyMs = ms;
                        }
                        else
                        {
                            errors[field.Name] = [$"Must be a whole number of milliseconds from 0 to {MaxLatencyMs}."];
                        }

                        break;
                    case "error_rate":
                        if (field.Value.ValueKind == JsonValueKind.Number && field.Value.GetDouble() is >= 0 and <= 1 and var rate)
                        {
                            errorRate = rate;
                        }
                        else
                        {
                            errors[field.Name] = ["Must be a number from 0 to 1."];
                        }

                        break;
                    case "hang":
                    case "unhealthy":
                        if (field.Value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                        {
                            if (field.Name == "hang")
                            {
                                hang = field.Value.GetBoolean();
                            }
                            else
                            {
                                unhealthy = field.Value.GetBoolean();
                            }
                        }
                        else
                        {
                            errors[field.Name] = ["Must be true or false."];
                        }

                        break;
                    default:
                        errors[field.Name] = [$"Unknown field; accepted: {string.Join(", ", Fields)}."];
                        break;
                }
            }

            if (errors.Count > 0)
            {
                return Problems.Invalid(errors);
            }

            // Validated as a whole first, so a bad request changes nothing.
            if (latencyMs is { } latency)
            {
                faults.AddedLatency = TimeSpan.FromMilliseconds(latency);
            }

            if (errorRate is { } errorRateValue)
            {
                faults.ErrorRate = errorRateValue;
            }

            if (unhealthy is { } unhealthyValue)
            {
                faults.HealthFlip = unhealthyValue;
            }

            if (hang is { } hangValue)
            {
                faults.Hang = hangValue;
            }

            return Changed(faults, identity, logger);
        }
    }

    private static IResult Changed(DemoFaults faults, InstanceIdentity identity, ILogger logger)
    {
        var current = FaultsDocument.Of(faults);
        logger.FaultsChanged(identity.Service, identity.Instance, current.LatencyMs, current.ErrorRate, current.Hang, current.Unhealthy);
        return Results.Json(current, DemoJson.Options);
    }

    internal sealed record FaultsDocument(long LatencyMs, double ErrorRate, bool Hang, bool Unhealthy)
    {
        public static FaultsDocument Of(DemoFaults faults) =>
            new((long)faults.AddedLatency.TotalMilliseconds, faults.ErrorRate, faults.Hang, faults.HealthFlip);
    }

    internal sealed record StatsDocument(string Service, string Instance, long TotalRequests, int InFlight, int MaxInFlight, long HealthProbes);
}
