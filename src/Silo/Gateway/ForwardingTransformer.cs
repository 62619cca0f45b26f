using Yarp.ReverseProxy.Forwarder;

namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>
/// Rewrites <c>/{service}/rest</c> to <c>/rest</c> on the instance (the rest as received, see
/// <see cref="ExactRequestTarget"/>), drops the headers a <c>Connection</c> header names, and, while a retry is still
/// possible, holds back a 5xx answer so that it can be retried elsewhere instead of reaching the client.
/// One per request; not shared between requests.
/// </summary>
internal sealed class ForwardingTransformer(PathString remainingPath, QueryString query) : HttpTransformer
{
    /// <summary>When true, a 5xx response is not copied to the client; its status lands in <see cref="HeldBackStatus"/>.</summary>
    public bool HoldBackServerErrors { get; set; }

    /// <summary>The status of a response held back by this attempt; 0 when none was.</summary>
    public int HeldBackStatus { get; set; }

    /// <summary>The <c>Retry-After</c> header of a response held back by this attempt; null when none.</summary>
    public string? HeldBackRetryAfter { get; set; }

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await HttpTransformer.Default.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
        proxyRequest.RequestUri = (httpContext.GetRouteValue("service") is string service ? ExactRequestTarget.Destination(httpContext, service, destinationPrefix, query) : null)
            ?? RequestUtilities.MakeDestinationAddress(destinationPrefix, remainingPath, query);
        ConnectionOptions.RemoveFrom(proxyRequest, httpContext.Request.Headers.Connection);
    }

    public override ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        // 5xx and 429 (backpressure) may be retried on another instance, so the client must not see them yet.
        if (proxyResponse is not null && HoldBackServerErrors
            && ((int)proxyResponse.StatusCode >= StatusCodes.Status500InternalServerError || (int)proxyResponse.StatusCode == StatusCodes.Status429TooManyRequests))
        {
            HeldBackStatus = (int)proxyResponse.StatusCode;
            HeldBackRetryAfter = proxyResponse.Headers.RetryAfter?.ToString();
            return ValueTask.FromResult(false);
        }

        return CopyResponseAsync(httpContext, proxyResponse, cancellationToken);
    }

    private static async ValueTask<bool> CopyResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var copy = await HttpTransformer.Default.TransformResponseAsync(httpContext, proxyResponse, cancellationToken).ConfigureAwait(false);
        if (proxyResponse is not null && proxyResponse.Headers.Connection.Count > 0)
        {
            ConnectionOptions.RemoveFrom(httpContext.Response.Headers, proxyResponse.Headers.Connection);
        }

        return copy;
    }

    public override ValueTask TransformResponseTrailersAsync(HttpContext httpContext, HttpResponseMessage proxyResponse, CancellationToken cancellationToken) =>
        HttpTransformer.Default.TransformResponseTrailersAsync(httpContext, proxyResponse, cancellationToken);
}
