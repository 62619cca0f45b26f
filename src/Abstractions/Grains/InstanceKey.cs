namespace TradingAgents.Actors.Grains;

/// <summary>Builds and splits the string key of an <see cref="IInstanceGrain"/>: <c>service/host:port</c>.</summary>
public static class InstanceKey
{
    /// <summary>The key of the instance grain for <paramref name="instanceId"/> of <paramref name="service"/>.</summary>
    public static string Format(string service, string instanceId) => $"{service}/{instanceId}";

    /// <summary>Splits a key made by <see cref="Format"/>.</summary>
    public static (string Service, string InstanceId) Parse(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == key.Length - 1)
        {
            throw new FormatException($"Instance grain key '{key}' is not of the form service/host:port.");
        }

        return (key[..slash], key[(slash + 1)..]);
    }
}
