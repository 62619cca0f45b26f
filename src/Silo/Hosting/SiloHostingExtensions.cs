using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using TradingAgents.Actors.Hosting;

namespace TradingAgents.Actors.Silo.Hosting;

/// <summary>Configures the silo that the gateway co-hosts.</summary>
public static class SiloHostingExtensions
{
    /// <summary>
    /// Clustering from the <c>Cluster</c> section (localhost by default, Redis when configured, Orleans'
    /// Kubernetes hosting only when <c>Cluster:KubernetesHosting</c> is true), fast-failover membership
    /// probes, service discovery (grains, the configuration source, and the Kubernetes source when
    /// <c>kubernetes.enabled</c>) and the Orleans Dashboard.
    /// </summary>
    public static ISiloBuilder AddGatewaySilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);

        // Bound here as well as through options: the clustering provider must be chosen while the
        // silo is being built, before options validation runs; a bad section still fails start-up
        // through ValidateOnStart with every bad key listed.
        // Values that do not convert keep their defaults here and are reported by validation.
        var cluster = new ClusterHostingOptions();
        CheckedBinding.Bind(configuration.GetSection(ClusterHostingOptions.SectionName), cluster);
        silo.Services.AddOptions<ClusterHostingOptions>().BindChecked(configuration.GetSection(ClusterHostingOptions.SectionName)).ValidateOnStart();
        silo.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClusterHostingOptions>, ClusterHostingOptionsValidator>());

        if (cluster.UsesRedis && !string.IsNullOrWhiteSpace(cluster.RedisConnectionString))
        {
            silo.UseRedisClustering(cluster.RedisConnectionString);

            // Breaker state in the same Redis, so an open circuit outlives the silo that held it.
            // Registered before AddServiceDiscovery, which otherwise falls back to in-memory storage.
            silo.AddRedisGrainStorage(
                ServiceDiscoveryHostingExtensions.BreakerStorageName,
                options => options.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(cluster.RedisConnectionString));
            silo.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = cluster.ClusterId;
                options.ServiceId = cluster.ServiceId;
            });
            var advertised = cluster.AdvertisedIPAddress ?? Environment.GetEnvironmentVariable("POD_IP");
            if (!cluster.KubernetesHosting)
            {
                if (advertised is { Length: > 0 } && IPAddress.TryParse(advertised, out var address))
                {
                    silo.ConfigureEndpoints(address, cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
                }
                else
                {
                    silo.ConfigureEndpoints(cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
                }
            }
        }
        else
        {
            // Also when Redis is named without a connection string: the validator fails start-up
            // with that key named before the silo starts (the Redis client would only say "is empty").
            silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, primarySiloEndpoint: null, cluster.ServiceId, cluster.ClusterId);
        }

        if (cluster.KubernetesHosting)
        {
            // Reads POD_NAME, POD_NAMESPACE and POD_IP, sets the endpoints and cluster ids from the pod.
            silo.UseKubernetesHosting();
        }

        silo.Configure<ClusterMembershipOptions>(options =>
        {
            options.ProbeTimeout = TimeSpan.FromSeconds(cluster.ProbeTimeoutSeconds);
            options.NumMissedProbesLimit = cluster.MissedProbesLimit;
        });

        silo.AddServiceDiscovery(configuration);
        silo.AddDashboard();

        silo.Services.TryAddSingleton<SiloReadiness>();
        silo.Services.AddOptions<EndpointReadinessOptions>().BindChecked(configuration.GetSection(EndpointReadinessOptions.SectionName)).ValidateOnStart();
        silo.Services.TryAddSingleton<EndpointReadiness>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloReadiness>());
        return silo;
    }
}
