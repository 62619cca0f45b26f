namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>
/// While the gateway drains, HTTP/1.x answers carry <c>Connection: close</c> so that keep-alive clients
/// open their next connection to another gateway instead of collecting 503s here. (HTTP/2 clients get
/// GOAWAY from Kestrel when it stops.)
/// </summary>
internal sealed class DrainingConnectionClose(RequestDelegate next, DrainCoordinator drain)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (drain.IsDraining && (HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol)))
        {
            // On starting: error answers clear the headers before they are written.
            context.Response.OnStarting(static state =>
            {
                ((HttpResponse)state).Headers.Connection = "close";
                return Task.CompletedTask;
            }, context.Response);
        }

        return next(context);
    }
}
