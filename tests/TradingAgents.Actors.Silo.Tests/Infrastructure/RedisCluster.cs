namespace TradingAgents.Actors.Tests.Infrastructure;

/// <summary>Settings for gateways (in this process or their own) that form one cluster on a test redis-server.</summary>
internal static class RedisCluster
{
    /// <summary>
    /// Redis membership under a fresh cluster id, data-service's static endpoints at
    /// <paramref name="backends"/>, and <paramref name="extra"/> keys. Silo ports are chosen per gateway
    /// by <see cref="GatewayTestHost"/> and <see cref="GatewayProcess"/>.
    /// </summary>
    public static Dictionary<string, string?> Settings(RedisServer redis, IEnumerable<Uri> backends, params (string Key, string Value)[] extra)
    {
        var clusterId = $"redis-{Guid.NewGuid():N}";
        var settings = new Dictionary<string, string?>(GatewayTestHost.Endpoints("data-service", backends))
        {
            ["Cluster:Provider"] = "Redis",
            ["Cluster:RedisConnectionString"] = redis.ConnectionString,
            ["Cluster:ClusterId"] = clusterId,
            ["Cluster:ServiceId"] = clusterId,
            ["Cluster:AdvertisedIPAddress"] = "127.0.0.1",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <inheritdoc cref="Settings(RedisServer, IEnumerable{Uri}, ValueTuple{string, string}[])"/>
    public static Dictionary<string, string?> Settings(RedisServer redis, Backends backends, params (string Key, string Value)[] extra) =>
        Settings(redis, backends.Addresses, extra);
}
