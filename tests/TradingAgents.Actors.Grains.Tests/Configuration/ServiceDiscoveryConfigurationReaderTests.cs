using Microsoft.Extensions.Configuration;
using TradingAgents.Actors.Configuration;

namespace TradingAgents.Actors.Tests.Configuration;

public sealed class ServiceDiscoveryConfigurationReaderTests : IDisposable
{
    private readonly YamlFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Read_SeedConfig_BindsEveryValue()
    {
        var result = ServiceDiscoveryConfigurationReader.Read(_files.Load(SeedConfig.Yaml));

        Assert.Empty(result.Errors);
        var options = result.Options;
        Assert.Equal("trading-system", options.Namespace);
        Assert.Equal(TimeSpan.FromSeconds(30), options.CacheTtl);
        Assert.Equal(TimeSpan.FromSeconds(30), options.DefaultTimeout);
        Assert.Equal(3, options.MaxRetries);
        Assert.Equal("health_aware", options.LoadBalancing.Algorithm);
        Assert.True(options.LoadBalancing.HealthCheck.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(10), options.LoadBalancing.HealthCheck.Interval);
        Assert.Equal(TimeSpan.FromSeconds(5), options.LoadBalancing.HealthCheck.Timeout);
        Assert.Equal(3, options.LoadBalancing.HealthCheck.FailureThreshold);
        Assert.Equal(5, options.CircuitBreaker.FailureThreshold);
        Assert.Equal(TimeSpan.FromSeconds(30), options.CircuitBreaker.RecoveryTimeout);
        Assert.Equal(3, options.CircuitBreaker.HalfOpenMaxCalls);
        Assert.Equal(["analysis-engine", "data-service", "llm-service", "memory-service"], options.Services.Keys.Order(StringComparer.Ordinal));
        AssertService(options.Services["analysis-engine"], "analysis-engine-service", 8005, 300);
        AssertService(options.Services["data-service"], "data-service", 8003, 30);
        AssertService(options.Services["llm-service"], "llm-service", 8004, 60);
        AssertService(options.Services["memory-service"], "memory-service", 8006, 30);
        Assert.True(options.Monitoring.MetricsEnabled);
        Assert.Equal(TimeSpan.FromSeconds(60), options.Monitoring.MetricsInterval);
        Assert.Equal("INFO", options.Monitoring.LogLevel);
        Assert.True(options.Cache.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Cache.Ttl);
        Assert.Equal(1000, options.Cache.MaxSize);
        Assert.Equal(TimeSpan.FromSeconds(300), options.Cache.CleanupInterval);
        Assert.False(options.Kubernetes.Enabled);
        Assert.Null(options.Kubernetes.Kubeconfig);
        Assert.Null(options.Kubernetes.Context);
        Assert.False(options.Kubernetes.RestrictToConfigured);
        Assert.Equal(TimeSpan.FromSeconds(300), options.Kubernetes.WatchTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Kubernetes.ListTimeout);
        Assert.Equal(TimeSpan.FromSeconds(300), options.GetTimeout("analysis-engine"));
        Assert.Equal("analysis-engine", options.GetLogicalName("analysis-engine-service"));
    }

    [Fact]
    public void Read_NoSection_GivesDefaultsEqualToSeedValues()
    {
        var empty = ServiceDiscoveryConfigurationReader.Read(new ConfigurationBuilder().Build());
        var seed = ServiceDiscoveryConfigurationReader.Read(_files.Load(SeedConfig.Yaml)).Options;

        Assert.Empty(empty.Errors);
        var defaults = empty.Options;
        Assert.Empty(defaults.Services);
        Assert.Equal(seed.Namespace, defaults.Namespace);
        Assert.Equal(seed.CacheTtl, defaults.CacheTtl);
        Assert.Equal(seed.DefaultTimeout, defaults.DefaultTimeout);
        Assert.Equal(seed.MaxRetries, defaults.MaxRetries);
        Assert.Equal(seed.LoadBalancing.Algorithm, defaults.LoadBalancing.Algorithm);
        Assert.Equal(seed.LoadBalancing.HealthCheck.Enabled, defaults.LoadBalancing.HealthCheck.Enabled);
        Assert.Equal(seed.LoadBalancing.HealthCheck.Interval, defaults.LoadBalancing.HealthCheck.Interval);
        Assert.Equal(seed.LoadBalancing.HealthCheck.Timeout, defaults.LoadBalancing.HealthCheck.Timeout);
        Assert.Equal(seed.LoadBalancing.HealthCheck.FailureThreshold, defaults.LoadBalancing.HealthCheck.FailureThreshold);
        Assert.Equal(seed.CircuitBreaker.FailureThreshold, defaults.CircuitBreaker.FailureThreshold);
        Assert.Equal(seed.CircuitBreaker.RecoveryTimeout, defaults.CircuitBreaker.RecoveryTimeout);
        Assert.Equal(seed.CircuitBreaker.HalfOpenMaxCalls, defaults.CircuitBreaker.HalfOpenMaxCalls);
        Assert.Equal(seed.Monitoring.MetricsEnabled, defaults.Monitoring.MetricsEnabled);
        Assert.Equal(seed.Monitoring.MetricsInterval, defaults.Monitoring.MetricsInterval);
        Assert.Equal(seed.Monitoring.LogLevel, defaults.Monitoring.LogLevel);
        Assert.Equal(seed.Cache.Enabled, defaults.Cache.Enabled);
        Assert.Equal(seed.Cache.Ttl, defaults.Cache.Ttl);
        Assert.Equal(seed.Cache.MaxSize, defaults.Cache.MaxSize);
        Assert.Equal(seed.Cache.CleanupInterval, defaults.Cache.CleanupInterval);
        Assert.Equal(new ServiceOptions().HealthPath, seed.Services["data-service"].HealthPath);
        Assert.Equal(new ServiceOptions().Weight, seed.Services["data-service"].Weight);
    }

    [Fact]
    public void Read_RepositoryConfigFile_HasTheSeedsKeysAndValues()
    {
        var repository = new ConfigurationBuilder()
            .AddServiceDiscoveryYaml(Path.Combine(YamlFiles.RepositoryRoot(), "config", "config.yaml"), optional: false, reloadOnChange: false)
            .Build();

        Assert.Equal(Flatten(_files.Load(SeedConfig.Yaml)), Flatten(repository));
        Assert.Empty(ServiceDiscoveryConfigurationReader.Read(repository).Errors);
    }

    [Fact]
    public void Read_LocalSample_ListsThreeLoopbackEndpointsPerService()
    {
        var configuration = new ConfigurationBuilder()
            .AddServiceDiscoveryYaml(Path.Combine(YamlFiles.RepositoryRoot(), "samples", "config", "config.local.yaml"), optional: false, reloadOnChange: false)
            .Build();

        var result = ServiceDiscoveryConfigurationReader.Read(configuration);

        Assert.Empty(result.Errors);
        Assert.Equal([8005, 8015, 8025], Ports(result.Options.Services["analysis-engine"]));
        Assert.Equal([8003, 8013, 8023], Ports(result.Options.Services["data-service"]));
        Assert.Equal([8004, 8014, 8024], Ports(result.Options.Services["llm-service"]));
        Assert.Equal([8006, 8016, 8026], Ports(result.Options.Services["memory-service"]));
        Assert.All(result.Options.Services.Values.SelectMany(static s => s.Endpoints), static e => Assert.Equal("127.0.0.1", e.Host));
        Assert.All(result.Options.Services.Values, static s => Assert.Equal(["/api", "/health"], s.ForwardPaths));

        // The names --demo's instances answer with (X-Instance), so the status page shows data-service-2 beside 127.0.0.1:8013.
        Assert.All(result.Options.Services, static pair => Assert.Equal(
            Enumerable.Range(1, 3).Select(i => $"{pair.Key}-{i}"),
            pair.Value.Endpoints.OrderBy(static e => e.Port).Select(static e => e.Name)));
        var seedKeys = Flatten(_files.Load(SeedConfig.Yaml));
        Assert.All(seedKeys, pair => Assert.Equal(pair.Value, configuration[pair.Key]));
    }

    [Fact]
    public void Read_EndpointForms_AllAccepted()
    {
        var result = _files.ReadBody("""
              services:
                data-service:
                  weight: 2
                  endpoints:
                    - 127.0.0.11:8003
                    - "[fd00::1]:8003"
                    - address: 127.0.0.12:8003
                      zone: zone-a
                      name: data-service-2
                    - host: data-3.local
                      port: 9003
                      zone: zone-b
                      node: node-7
                      weight: 5
                    - host: "::2"
                      port: 8003
            """);

        Assert.Empty(result.Errors);
        var endpoints = result.Options.Services["data-service"].Endpoints;
        Assert.Equal(5, endpoints.Count);
        AssertEndpoint(endpoints[0], "127.0.0.11", 8003, null, null, null);
        AssertEndpoint(endpoints[1], "fd00::1", 8003, null, null, null);
        AssertEndpoint(endpoints[2], "127.0.0.12", 8003, "zone-a", null, null);
        AssertEndpoint(endpoints[3], "data-3.local", 9003, "zone-b", "node-7", 5);
        AssertEndpoint(endpoints[4], "::2", 8003, null, null, null);
        Assert.Equal([null, null, "data-service-2", null, null], endpoints.Select(static e => e.Name));
    }

    [Fact]
    public void Read_FractionalSeconds_Accepted()
    {
        var result = _files.ReadBody("""
              circuit_breaker:
                recovery_timeout: 0.25
              load_balancing:
                health_check:
                  interval: 1.5
                  timeout: 0.5
            """);

        Assert.Empty(result.Errors);
        Assert.Equal(TimeSpan.FromMilliseconds(250), result.Options.CircuitBreaker.RecoveryTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), result.Options.LoadBalancing.HealthCheck.Interval);
        Assert.Equal(TimeSpan.FromMilliseconds(500), result.Options.LoadBalancing.HealthCheck.Timeout);
    }

    [Fact]
    public void Read_MaxRetryAfter_CapsBackpressureAndDefaultsToSixtySeconds()
    {
        var set = _files.ReadBody("""
              circuit_breaker:
                max_retry_after: 12.5
            """);
        var unset = _files.ReadBody("""
              circuit_breaker:
                failure_threshold: 5
            """);
        var zero = _files.ReadBody("""
              circuit_breaker:
                max_retry_after: 0
            """);

        Assert.Empty(set.Errors);
        Assert.Equal(TimeSpan.FromSeconds(12.5), set.Options.CircuitBreaker.MaxRetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(60), unset.Options.CircuitBreaker.MaxRetryAfter);
        Assert.Equal(["service_discovery:circuit_breaker:max_retry_after: 0 must be greater than 0 seconds"], zero.Errors);
    }

    [Fact]
    public void Read_YamlNullsAndEmptyValues_LeaveOptionalSettingsUnset()
    {
        var result = _files.ReadBody("""
              kubernetes:
                kubeconfig: ~
                context:
              services:
                data-service:
                  timeout: null
                  algorithm:
                  endpoints: ~
              cache: null
            """);

        Assert.Empty(result.Errors);
        Assert.Null(result.Options.Kubernetes.Kubeconfig);
        Assert.Null(result.Options.Kubernetes.Context);
        Assert.Null(result.Options.Services["data-service"].Timeout);
        Assert.Null(result.Options.Services["data-service"].Algorithm);
        Assert.Empty(result.Options.Services["data-service"].Endpoints);
        Assert.Equal(1000, result.Options.Cache.MaxSize);
    }

    [Theory]
    [InlineData("max_retry: 3", "service_discovery:max_retry: unknown key; did you mean 'max_retries'? (expected one of namespace, cache_ttl, default_timeout, max_retries, load_balancing, circuit_breaker, services, monitoring, cache, kubernetes, retry_budget, zone_affinity)")]
    [InlineData("circuit_breaker:\n    failure_treshold: 5", "service_discovery:circuit_breaker:failure_treshold: unknown key; did you mean 'failure_threshold'? (expected one of failure_threshold, recovery_timeout, half_open_max_calls, max_retry_after, quorum)")]
    [InlineData("load_balancing:\n    health_check:\n      retries: 2", "service_discovery:load_balancing:health_check:retries: unknown key (expected one of enabled, interval, timeout, failure_threshold)")]
    [InlineData("services:\n    data-service:\n      timout: 30", "service_discovery:services:data-service:timout: unknown key; did you mean 'timeout'? (expected one of service_name, port, port_name, health_path, weight, timeout, attempt_timeout, algorithm, forward_paths, endpoints, retry_budget, max_ejection_percent, panic_threshold, panic_mode, slow_start, slow_start_aggression, slow_start_min_weight_percent)")]
    [InlineData("monitoring:\n    metrics: true", "service_discovery:monitoring:metrics: unknown key (expected one of metrics_enabled, metrics_interval, log_level)")]
    [InlineData("cache:\n    size: 10", "service_discovery:cache:size: unknown key (expected one of enabled, ttl, max_size, cleanup_interval)")]
    [InlineData("kubernetes:\n    enable: true", "service_discovery:kubernetes:enable: unknown key; did you mean 'enabled'? (expected one of enabled, kubeconfig, context, restrict_to_configured, watch_timeout, list_timeout)")]
    public void Read_UnknownKey_NamesKeyAndAcceptedKeys(string body, string expected) => AssertSingleError(body, expected);

    [Theory]
    [InlineData("max_retries: three", "service_discovery:max_retries: 'three' is not an integer")]
    [InlineData("max_retries: 2.5", "service_discovery:max_retries: '2.5' is not an integer")]
    [InlineData("cache_ttl: thirty", "service_discovery:cache_ttl: 'thirty' is not a number of seconds")]
    [InlineData("cache:\n    enabled: yes", "service_discovery:cache:enabled: 'yes' is not true or false")]
    [InlineData("monitoring:\n    metrics_enabled: 1", "service_discovery:monitoring:metrics_enabled: '1' is not true or false")]
    [InlineData("max_retries:", "service_discovery:max_retries: has no value")]
    [InlineData("max_retries:\n    value: 3", "service_discovery:max_retries: expected a single value, found a map or list")]
    [InlineData("load_balancing: round_robin", "service_discovery:load_balancing: expected a map of algorithm, health_check, max_ejection_percent, panic_threshold, panic_mode, slow_start, slow_start_aggression, slow_start_min_weight_percent; found 'round_robin'")]
    [InlineData("default_timeout: 1e9", "service_discovery:default_timeout: 1e9 s is more than the maximum of 2147483 s")]
    public void Read_UnparsableValue_NamesKeyAndValue(string body, string expected) => AssertSingleError(body, expected);

    [Theory]
    [InlineData("load_balancing:\n    algorithm: fastest", "service_discovery:load_balancing:algorithm: 'fastest' is not a known algorithm; expected one of round_robin, least_connections, weighted_random, health_aware, power_of_two_choices")]
    [InlineData("services:\n    data-service:\n      algorithm: Round_Robin", "service_discovery:services:data-service:algorithm: 'Round_Robin' is not a known algorithm; expected one of round_robin, least_connections, weighted_random, health_aware, power_of_two_choices")]
    [InlineData("monitoring:\n    log_level: VERBOSE", "service_discovery:monitoring:log_level: 'VERBOSE' is not a known log level; expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL")]
    [InlineData("monitoring:\n    log_level: info", "service_discovery:monitoring:log_level: 'info' is not a known log level; expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL")]
    public void Read_UnknownName_ListsAcceptedNames(string body, string expected) => AssertSingleError(body, expected);

    [Theory]
    [InlineData("default_timeout: -1", "service_discovery:default_timeout: -1 must be greater than 0 seconds")]
    [InlineData("cache_ttl: 0", "service_discovery:cache_ttl: 0 must be greater than 0 seconds")]
    [InlineData("circuit_breaker:\n    recovery_timeout: 0", "service_discovery:circuit_breaker:recovery_timeout: 0 must be greater than 0 seconds")]
    [InlineData("monitoring:\n    metrics_interval: -5", "service_discovery:monitoring:metrics_interval: -5 must be greater than 0 seconds")]
    [InlineData("cache:\n    cleanup_interval: 0", "service_discovery:cache:cleanup_interval: 0 must be greater than 0 seconds")]
    [InlineData("kubernetes:\n    watch_timeout: 0", "service_discovery:kubernetes:watch_timeout: 0 must be greater than 0 seconds")]
    [InlineData("kubernetes:\n    list_timeout: 0", "service_discovery:kubernetes:list_timeout: 0 must be greater than 0 seconds")]
    [InlineData("services:\n    data-service:\n      timeout: 0", "service_discovery:services:data-service:timeout: 0 must be greater than 0 seconds")]
    [InlineData("load_balancing:\n    health_check:\n      interval: 0\n      timeout: 0.5", "service_discovery:load_balancing:health_check:interval: 0 must be greater than 0 seconds")]
    public void Read_NonPositiveDuration_Reported(string body, string expected) => AssertSingleError(body, expected);

    [Theory]
    [InlineData("circuit_breaker:\n    failure_threshold: 0", "service_discovery:circuit_breaker:failure_threshold: 0 must be at least 1")]
    [InlineData("circuit_breaker:\n    half_open_max_calls: 0", "service_discovery:circuit_breaker:half_open_max_calls: 0 must be at least 1")]
    [InlineData("load_balancing:\n    health_check:\n      failure_threshold: 0", "service_discovery:load_balancing:health_check:failure_threshold: 0 must be at least 1")]
    [InlineData("max_retries: -1", "service_discovery:max_retries: -1 must be at least 0")]
    [InlineData("cache:\n    max_size: 0", "service_discovery:cache:max_size: 0 must be at least 1")]
    [InlineData("services:\n    data-service:\n      weight: 0", "service_discovery:services:data-service:weight: 0 must be at least 1")]
    [InlineData("services:\n    data-service:\n      port: 0", "service_discovery:services:data-service:port: 0 is not in 1..65535")]
    [InlineData("services:\n    data-service:\n      port: 65536", "service_discovery:services:data-service:port: 65536 is not in 1..65535")]
    public void Read_OutOfRangeNumber_Reported(string body, string expected) => AssertSingleError(body, expected);

    [Fact]
    public void Read_HealthTimeoutNotBelowInterval_Reported() =>
        AssertSingleError(
            "load_balancing:\n    health_check:\n      interval: 5\n      timeout: 5",
            "service_discovery:load_balancing:health_check:timeout: 5 s must be less than interval (5 s)");

    [Theory]
    [InlineData("services:\n    data-service:\n      health_path: health", "service_discovery:services:data-service:health_path: 'health' must start with '/'")]
    [InlineData("services:\n    data-service:\n      port_name: ''", "service_discovery:services:data-service:port_name: has no value")]
    [InlineData("services:\n    data-service:\n      service_name: Data_Service", "service_discovery:services:data-service:service_name: 'Data_Service' is not a lowercase DNS label (a-z, 0-9, '-', at most 63 characters)")]
    [InlineData("services:\n    Data-Service:\n      port: 8003", "service_discovery:services:Data-Service: 'Data-Service' is not a valid service name; expected a lowercase DNS label (a-z, 0-9, '-', at most 63 characters)")]
    [InlineData("namespace: Trading", "service_discovery:namespace: 'Trading' is not a lowercase DNS label (a-z, 0-9, '-', at most 63 characters)")]
    [InlineData("services: none", "service_discovery:services: expected a map, found 'none'")]
    public void Read_BadServiceSetting_Reported(string body, string expected) => AssertSingleError(body, expected);

    [Theory]
    [InlineData("- localhost", "service_discovery:services:data-service:endpoints:0: 'localhost' is not host:port")]
    [InlineData("- 127.0.0.11:0", "service_discovery:services:data-service:endpoints:0: port '0' in '127.0.0.11:0' is not in 1..65535")]
    [InlineData("- 127.0.0.11:http", "service_discovery:services:data-service:endpoints:0: port 'http' in '127.0.0.11:http' is not in 1..65535")]
    [InlineData("- '[127.0.0.11]:80'", "service_discovery:services:data-service:endpoints:0: '127.0.0.11' is not an IPv6 address")]
    [InlineData("- 'bad host:80'", "service_discovery:services:data-service:endpoints:0: 'bad host' is not a host name or IP address")]
    [InlineData("- address: 127.0.0.11\n          zone: a", "service_discovery:services:data-service:endpoints:0:address: '127.0.0.11' is not host:port")]
    [InlineData("- address: 127.0.0.11:80\n          host: 127.0.0.11", "service_discovery:services:data-service:endpoints:0: set either address or host and port, not both")]
    [InlineData("- host: 127.0.0.11", "service_discovery:services:data-service:endpoints:0: has host but no port")]
    [InlineData("- port: 80", "service_discovery:services:data-service:endpoints:0: has neither address nor host; expected address: host:port, or host and port")]
    [InlineData("- host: 127.0.0.11\n          port: 70000", "service_discovery:services:data-service:endpoints:0:port: 70000 is not in 1..65535")]
    [InlineData("- host: 127.0.0.11\n          port: 80\n          weight: 0", "service_discovery:services:data-service:endpoints:0:weight: 0 must be at least 1")]
    [InlineData("- host: 127.0.0.11\n          port: 80\n          region: eu", "service_discovery:services:data-service:endpoints:0:region: unknown key (expected one of address, host, port, zone, node, weight, name)")]
    [InlineData("- 127.0.0.11:80\n        - host: 127.0.0.11\n          port: 80", "service_discovery:services:data-service:endpoints:1: endpoint 127.0.0.11:80 is already listed at service_discovery:services:data-service:endpoints:0")]
    [InlineData("- Data.Local:80\n        - data.local:80", "service_discovery:services:data-service:endpoints:1: endpoint data.local:80 is already listed at service_discovery:services:data-service:endpoints:0")]
    public void Read_BadEndpoint_Reported(string entries, string expected) =>
        AssertSingleError("services:\n    data-service:\n      endpoints:\n        " + entries, expected);

    [Fact]
    public void Read_ForwardPaths_ListedPrefixesWithoutTrailingSlash()
    {
        var result = _files.ReadBody("""
              services:
                data-service:
                  forward_paths:
                    - /api/
                    - /health
                    - /
                memory-service:
                  port: 8006
            """);

        Assert.Empty(result.Errors);
        Assert.Equal(["/api", "/health", "/"], result.Options.Services["data-service"].ForwardPaths);
        Assert.Null(result.Options.Services["memory-service"].ForwardPaths);
    }

    [Theory]
    [InlineData("forward_paths: /api", "service_discovery:services:data-service:forward_paths: expected a list of path prefixes such as /api (remove the key to forward every path)")]
    [InlineData("forward_paths:\n        - api", "service_discovery:services:data-service:forward_paths:0: 'api' is not a path prefix; expected one starting with '/', without '?' or '%' escapes")]
    [InlineData("forward_paths:\n        - /api%2Fv1", "service_discovery:services:data-service:forward_paths:0: '/api%2Fv1' is not a path prefix; expected one starting with '/', without '?' or '%' escapes")]
    [InlineData("forward_paths:\n        - /api/../admin", "service_discovery:services:data-service:forward_paths:0: '/api/../admin' has a '.' or '..' segment")]
    public void Read_BadForwardPaths_Reported(string setting, string expected) =>
        AssertSingleError("services:\n    data-service:\n      " + setting, expected);

    [Fact]
    public void Read_EndpointsNotAList_Reported() =>
        AssertSingleError(
            "services:\n    data-service:\n      endpoints: 127.0.0.11:80",
            "service_discovery:services:data-service:endpoints: expected a list of 'host:port' strings or maps with address (or host and port), zone, node and weight");

    [Fact]
    public void Read_TwoServicesOneKubernetesService_Reported() =>
        AssertSingleError(
            "services:\n    data-service:\n      port: 8003\n    market-data:\n      service_name: data-service",
            "service_discovery:services:market-data:service_name: service 'data-service' is already configured as 'data-service'; each Kubernetes service may back one logical service only");

    [Fact]
    public void Read_SeveralBadKeys_ReportsEveryOne()
    {
        var result = _files.ReadBody("""
              max_retries: -2
              circuit_breaker:
                failure_treshold: 5
              load_balancing:
                algorithm: fastest
              services:
                data-service:
                  port: 0
                  health_path: health
            """);

        Assert.Equal(
            [
                "service_discovery:max_retries: -2 must be at least 0",
                "service_discovery:load_balancing:algorithm: 'fastest' is not a known algorithm; expected one of round_robin, least_connections, weighted_random, health_aware, power_of_two_choices",
                "service_discovery:circuit_breaker:failure_treshold: unknown key; did you mean 'failure_threshold'? (expected one of failure_threshold, recovery_timeout, half_open_max_calls, max_retry_after, quorum)",
                "service_discovery:services:data-service:port: 0 is not in 1..65535",
                "service_discovery:services:data-service:health_path: 'health' must start with '/'",
            ],
            result.Errors);
    }

    [Fact]
    public void Read_EnvironmentOverride_DoubleUnderscoreReplacesYamlValue()
    {
        var prefix = $"TA_TEST_{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable(prefix + "service_discovery__max_retries", "5");
        Environment.SetEnvironmentVariable(prefix + "SERVICE_DISCOVERY__CIRCUIT_BREAKER__FAILURE_THRESHOLD", "7");
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddServiceDiscoveryYaml(_files.Write(SeedConfig.Yaml), optional: false, reloadOnChange: false)
                .AddEnvironmentVariables(prefix)
                .Build();

            var result = ServiceDiscoveryConfigurationReader.Read(configuration);

            Assert.Empty(result.Errors);
            Assert.Equal(5, result.Options.MaxRetries);
            Assert.Equal(7, result.Options.CircuitBreaker.FailureThreshold);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "service_discovery__max_retries", null);
            Environment.SetEnvironmentVariable(prefix + "SERVICE_DISCOVERY__CIRCUIT_BREAKER__FAILURE_THRESHOLD", null);
        }
    }

    [Fact]
    public void Load_KeysDifferingOnlyByCase_ProviderRejectsFileNamingKey()
    {
        var exception = Assert.Throws<InvalidDataException>(() => _files.Load("service_discovery:\n  services:\n    data-service:\n      port: 1\n    Data-Service:\n      port: 2\n"));

        Assert.IsType<FormatException>(exception.InnerException);
        Assert.Contains("service_discovery:services:Data-Service:port", exception.InnerException!.Message, StringComparison.Ordinal);
    }

    private void AssertSingleError(string body, string expected)
    {
        var result = _files.ReadBody("  " + body + "\n");
        Assert.Equal([expected], result.Errors);
    }

    private static void AssertService(ServiceOptions service, string serviceName, int port, int timeoutSeconds)
    {
        Assert.Equal(serviceName, service.ServiceName);
        Assert.Equal(port, service.Port);
        Assert.Equal("http", service.PortName);
        Assert.Equal("/health", service.HealthPath);
        Assert.Equal(1, service.Weight);
        Assert.Equal(TimeSpan.FromSeconds(timeoutSeconds), service.Timeout);
        Assert.Null(service.Algorithm);
        Assert.Empty(service.Endpoints);
    }

    private static void AssertEndpoint(StaticEndpointOptions endpoint, string host, int port, string? zone, string? node, int? weight)
    {
        Assert.Equal(host, endpoint.Host);
        Assert.Equal(port, endpoint.Port);
        Assert.Equal(zone, endpoint.Zone);
        Assert.Equal(node, endpoint.Node);
        Assert.Equal(weight, endpoint.Weight);
    }

    private static int[] Ports(ServiceOptions service) => [.. service.Endpoints.Select(static e => e.Port)];

    private static Dictionary<string, string?> Flatten(IConfiguration configuration) =>
        configuration.AsEnumerable().Where(static p => p.Value is not null).ToDictionary(static p => p.Key, static p => p.Value, StringComparer.OrdinalIgnoreCase);
}
