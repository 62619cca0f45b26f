using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>The one connection pool the gateway forwards through, shared by every request and service.</summary>
public sealed class GatewayHttpInvoker : IDisposable
{
    /// <summary>Creates the pool with the connect timeout of <paramref name="options"/>.</summary>
    public GatewayHttpInvoker(IOptions<GatewayOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var handler = new SocketsHttpHandler
        {
            // A proxy must pass responses through as they are: no proxy of its own, no redirects
            // followed, no cookies kept across clients, no decompression.
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(options.Value.ConnectTimeoutSeconds),
            // Pods are replaced behind the same address; do not keep a connection to a predecessor forever.
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
            EnableMultipleHttp2Connections = true,
        };
        Invoker = new HttpMessageInvoker(handler, disposeHandler: true);
    }

    /// <summary>The invoker handed to YARP's <c>IHttpForwarder</c>.</summary>
    public HttpMessageInvoker Invoker { get; }

    /// <inheritdoc />
    public void Dispose() => Invoker.Dispose();
}
