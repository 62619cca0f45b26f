using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace TradingAgents.DemoServices.Hosting;

/// <summary>Keeps the open connections so that a kill can abort them instead of draining them.</summary>
internal sealed class ConnectionTracker
{
    private readonly ConcurrentDictionary<string, ConnectionContext> _open = new();

    public ConnectionDelegate Track(ConnectionDelegate next) => async connection =>
    {
        _open[connection.ConnectionId] = connection;
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            _open.TryRemove(connection.ConnectionId, out _);
        }
    };

    public int AbortAll()
    {
        var aborted = 0;
        foreach (var connection in _open.Values)
        {
            connection.Abort(new ConnectionAbortedException("The demo backend was killed."));
            aborted++;
        }

        return aborted;
    }
}
