using System.Net;
using System.Net.Sockets;

namespace TradingAgents.Actors.Tests.Infrastructure;

/// <summary>
/// Loopback ports for listeners that cannot take port 0 (the silo's ports, the metrics port,
/// Prometheus): the OS picks a free one, which is released just before use.
/// </summary>
/// <remarks>
/// The OS may hand the same ephemeral port out again as soon as it is released, so two calls in a
/// row (a silo port and a gateway port) could collide; a port is never handed out twice per process.
/// </remarks>
internal static class FreePort
{
    private static readonly HashSet<int> HandedOut = [];

    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (HandedOut)
            {
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
