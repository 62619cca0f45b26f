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

        counters.Enter();
        try
        {
            if (!await DelayAsync(context.RequestAborted).ConfigureAwait(false))
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
    private async Task<bool> DelayAsync(CancellationToken requestAborted)
    {
        try
        {
            await faults.WhenReleased().WaitAsync(requestAborted).ConfigureAwait(false);
            var latency = faults.AddedLatency;
            if (latency > TimeSpan.Zero)
            {
                await Task.Delay(latency, timeProvider, requestAborted).ConfigureAwait(false);
            }

            return true;
        }
        catch (OperationCanceledException) when (requestAborted.IsCancellationRequested)
        {
            return false;
        }
    }
}
