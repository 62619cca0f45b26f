using Microsoft.Extensions.Options;

namespace TradingAgents.Actors.Silo.Observability;

/// <summary>Rejects a <c>Metrics:Port</c> outside 1..65535.</summary>
internal sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options) =>
        options.Port is { } port && (port < 1 || port > 65535)
            ? ValidateOptionsResult.Fail($"Metrics:Port must be between 1 and 65535 (was {port}).")
            : ValidateOptionsResult.Success;
}
