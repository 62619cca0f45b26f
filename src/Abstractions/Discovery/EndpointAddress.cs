using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace TradingAgents.Actors.Discovery;

/// <summary>Formats and parses the <c>host:port</c> form used as instance ids and in configuration.</summary>
public static class EndpointAddress
{
    /// <summary>Formats <paramref name="host"/> and <paramref name="port"/>, bracketing IPv6 literals.</summary>
    public static string Format(string host, int port)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        var needsBrackets = host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[');
        return needsBrackets
            ? string.Create(CultureInfo.InvariantCulture, $"[{host}]:{port}")
            : string.Create(CultureInfo.InvariantCulture, $"{host}:{port}");
    }

    /// <summary>
    /// Parses <c>host:port</c> or <c>[ipv6]:port</c>. Returns false with a reason when the text is not
    /// of that form or the port is outside 1..65535.
    /// </summary>
    public static bool TryParse(string? text, out string host, out int port, out string? error)
    {
        host = string.Empty;
        port = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "is empty; expected host:port";
            return false;
        }

        text = text.Trim();
        int separator;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':')
            {
                error = $"'{text}' is not [ipv6]:port";
                return false;
            }

            host = text[1..close];
            separator = close + 1;
            if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                error = $"'{host}' is not an IPv6 address";
                return false;
            }
        }
        else
        {
            separator = text.LastIndexOf(':');
            if (separator <= 0 || text.IndexOf(':', StringComparison.Ordinal) != separator)
            {
                error = $"'{text}' is not host:port";
                return false;
            }

            host = text[..separator];
        }

        var portText = text[(separator + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
        {
            error = $"port '{portText}' in '{text}' is not in 1..65535";
            return false;
        }

        error = null;
        return true;
    }
}
