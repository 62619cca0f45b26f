using Orleans.Runtime;

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
        var settings = Join(redis, GatewayTestHost.Endpoints("data-service", backends));
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary><paramref name="settings"/> plus Redis membership on <paramref name="redis"/> under <paramref name="clusterId"/> (a fresh one when null).</summary>
    public static Dictionary<string, string?> Join(RedisServer redis, IEnumerable<KeyValuePair<string, string?>> settings, string? clusterId = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        clusterId ??= $"redis-{Guid.NewGuid():N}";
        return new Dictionary<string, string?>(settings)
        {
            ["Cluster:Provider"] = "Redis",
            ["Cluster:RedisConnectionString"] = redis.ConnectionString,
            ["Cluster:ClusterId"] = clusterId,
            ["Cluster:ServiceId"] = clusterId,
            ["Cluster:AdvertisedIPAddress"] = "127.0.0.1",
        };
    }

    /// <summary>Waits (bounded) until <paramref name="count"/> silos are active members, as <paramref name="grains"/>' cluster sees it.</summary>
    public static Task JoinedAsync(IGrainFactory grains, int count) => Eventually.MatchAsync(
        async () => (await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count,
        n => n == count,
        $"{count} silos to be active members in Redis");

    /// <inheritdoc cref="Settings(RedisServer, IEnumerable{Uri}, ValueTuple{string, string}[])"/>
    public static Dictionary<string, string?> Settings(RedisServer redis, Backends backends, params (string Key, string Value)[] extra) =>
        Settings(redis, backends.Addresses, extra);
}
