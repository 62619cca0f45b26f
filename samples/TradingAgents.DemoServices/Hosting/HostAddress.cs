using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace TradingAgents.DemoServices.Hosting;

/// <summary>Parses the address a backend binds to; wildcards are refused so stand-ins stay on this machine.</summary>
internal static class HostAddress
{
    public static bool TryParse(string? host, [NotNullWhen(true)] out IPAddress? address, [NotNullWhen(false)] out string? error)
    {
        address = null;
        if (string.IsNullOrWhiteSpace(host))
        {
            error = "Host is required, for example 127.0.0.1.";
            return false;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = IPAddress.Loopback;
            error = null;
            return true;
        }

        if (!IPAddress.TryParse(host, out var parsed))
        {
            error = $"Host '{host}' is not an IP address (or 'localhost').";
            return false;
        }

        if (parsed.Equals(IPAddress.Any) || parsed.Equals(IPAddress.IPv6Any))
        {
            error = $"Host '{host}' is a wildcard; demo backends bind to one specific address such as 127.0.0.1.";
            return false;
        }

        address = parsed;
        error = null;
        return true;
    }
}
