namespace TradingAgents.Actors.Tests.Configuration;

/// <summary>The seed's ConfigMap <c>config.yaml</c>, verbatim (indentation of the ConfigMap block removed).</summary>
internal static class SeedConfig
{
    public const string Yaml = """
    service_discovery:
      # 基础配置
      namespace: trading-system
      cache_ttl: 30
      default_timeout: 30
      max_retries: 3

      # 负载均衡配置
      load_balancing:
        algorithm: health_aware  # round_robin, least_connections, weighted_random, health_aware
        health_check:
          enabled: true
          interval: 10
          timeout: 5
          failure_threshold: 3

      # 熔断器配置
      circuit_breaker:
        failure_threshold: 5
        recovery_timeout: 30
        half_open_max_calls: 3

      # 服务配置
      services:
        analysis-engine:
          service_name: analysis-engine-service
          port: 8005
          health_path: /health
          weight: 1
          timeout: 300  # 分析任务超时时间长

        data-service:
          service_name: data-service
          port: 8003
          health_path: /health
          weight: 1
          timeout: 30

        llm-service:
          service_name: llm-service
          port: 8004
          health_path: /health
          weight: 1
          timeout: 60

        memory-service:
          service_name: memory-service
          port: 8006
          health_path: /health
          weight: 1
          timeout: 30

      # 监控配置
      monitoring:
        metrics_enabled: true
        metrics_interval: 60
        log_level: INFO

      # 缓存配置
      cache:
        enabled: true
        ttl: 30
        max_size: 1000
        cleanup_interval: 300
    """;
}
