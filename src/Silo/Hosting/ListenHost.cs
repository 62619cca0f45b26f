using Microsoft.AspNetCore.Hosting.Server.Features;

namespace TradingAgents.Actors.Silo.Hosting;

/// <summary>
/// The host part for an extra port (management, metrics): the configured one, else the host of the
/// gateway's first address, so that a gateway bound to 127.0.0.1 does not open other ports to the network.
/// </summary>
internal static class ListenHost
{
    /// <summary>
    /// Adds <paramref name="port"/> on <see cref="Url"/>'s host to the server's addresses of <paramref name="app"/>.
    /// False when the address list cannot take it: Kestrel endpoints from code or <c>Kestrel:Endpoints</c> replace
    /// that list, and the operator must add an endpoint for the port there.
    /// </summary>
    public static bool TryAddPort(IApplicationBuilder app, string? configuredHost, int port)
    {
        var addresses = app.ServerFeatures.Get<IServerAddressesFeature>()?.Addresses;
        if (addresses is null || addresses.IsReadOnly || addresses.Count == 0)
        {
            return false;
        }

        addresses.Add(Url(addresses, configuredHost, port));
        return true;
    }

    /// <summary><c>http://{host}:{port}</c> for the server's <paramref name="addresses"/> and an optional <paramref name="configured"/> host.</summary>
    public static string Url(ICollection<string> addresses, string? configured, int port)
    {
        var host = string.IsNullOrWhiteSpace(configured) ? HostOf(addresses.FirstOrDefault()) : configured.Trim();
        if (host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('['))
        {
            host = $"[{host}]";
        }

        return $"http://{host}:{port}";
    }

    private static string HostOf(string? address)
    {
        if (address is null)
        {
            return "*";
        }

        // Not Uri: "http://*:8080" and "http://+:8080" are valid server addresses but not URIs.
        var rest = address[(address.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var end = rest.StartsWith('[') ? rest.IndexOf(']', StringComparison.Ordinal) + 1 : rest.IndexOf(':', StringComparison.Ordinal);
        if (end <= 0)
        {
            end = rest.IndexOf('/', StringComparison.Ordinal);
        }

        return end <= 0 ? rest.TrimEnd('/') : rest[..end];
    }
}
