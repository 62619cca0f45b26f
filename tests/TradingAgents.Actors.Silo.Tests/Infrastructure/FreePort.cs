using System.Net;
using System.Net.Sockets;

namespace TradingAgents.Actors.Tests.Infrastructure;

/// <summary>
/// Loopback ports for listeners that cannot take port 0 (the silo's ports, the metrics port,
/// Prometheus): the OS picks a free one, which is released just before use.
/// </summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
