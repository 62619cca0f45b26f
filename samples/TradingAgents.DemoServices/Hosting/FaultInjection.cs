using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TradingAgents.DemoServices.Hosting;

/// <summary>
/// The pipeline step every request passes: names the instance in the response headers, counts it, and
/// applies the faults to API paths. Health and admin paths are counted apart and never delayed, so a
/// hung instance can still be probed and repaired.
/// </summary>
internal sealed class FaultInjection(
    string service,
    string instance,
    DemoFaults faults,
    RequestCounters counters,
    TimeProvider timeProvider,
    ILogger logger)
{
    public const string InstanceHeader = "X-Instance";
    public const string ServiceHeader = "X-Service";

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        context.Response.Headers[InstanceHeader] = instance;
        context.Response.Headers[ServiceHeader] = service;

        var path = context.Request.Path;
        if (path.StartsWithSegments("/admin", StringComparison.OrdinalIgnoreCase))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        if (path.Equals("/health", StringComparison.OrdinalIgnoreCase) || path.Equals("/ready", StringComparison.OrdinalIgnoreCase))
        {
            counters.CountHealthProbe();
            await next(context).ConfigureAwait(false);
            return;
        }

        // The latency timer is armed before the request counts as in flight, so a test that waits for
        // in-flight requests and then advances a fake clock never advances it too early.
        var hang = faults.WhenReleased();
        var latency = faults.AddedLatency;
        var delay = hang.IsCompleted && latency > TimeSpan.Zero ? Task.Delay(latency, timeProvider, context.RequestAborted) : null;
        counters.Enter();
        try
        {
            if (!await WaitAsync(hang, delay, context.RequestAborted).ConfigureAwait(false))
            {
                return;
            }

            if (faults.NextRequestFails())
            {
                logger.InjectedError(service, instance, context.Request.Method, path.Value ?? "/");
                await Results.Problem(
                    title: "Injected fault",
                    detail: $"{instance} answers a share of requests with 500 (error_rate {faults.ErrorRate}).",
                    statusCode: StatusCodes.Status500InternalServerError).ExecuteAsync(context).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        }
        finally
        {
            counters.Exit();
        }
    }

    /// <summary>Waits out a hang and the added latency; false when the client gave up meanwhile.</summary>
    private async Task<bool> WaitAsync(Task hang, Task? delay, CancellationToken requestAborted)
    {
        try
        {
            if (!hang.IsCompleted)
            {
                await hang.WaitAsync(requestAborted).ConfigureAwait(false);

                // Latency counts from the release of a hang.
                var latency = faults.AddedLatency;
                delay = latency > TimeSpan.Zero ? Task.Delay(latency, timeProvider, requestAborted) : null;
            }

            if (delay is not null)
            {
                await delay.ConfigureAwait(false);
            }

            return true;
        }
        catch (OperationCanceledException) when (requestAborted.IsCancellationRequested)
        {
            return false;
        }
    }
}
