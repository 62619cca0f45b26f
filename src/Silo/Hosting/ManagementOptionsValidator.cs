using Microsoft.Extensions.Options;

namespace TradingAgents.Actors.Silo.Hosting;

/// <summary>Rejects a <c>Management:Port</c> outside 1..65535 and an empty <c>Management:Host</c>.</summary>
internal sealed class ManagementOptionsValidator : IValidateOptions<ManagementOptions>
{
    public ValidateOptionsResult Validate(string? name, ManagementOptions options)
    {
        var failures = new List<string>();
        if (options.Port is { } port && (port < 1 || port > 65535))
        {
            failures.Add($"Management:Port must be between 1 and 65535 (was {port}).");
        }

        if (options.Host is { } host && string.IsNullOrWhiteSpace(host))
        {
            failures.Add("Management:Host is empty; leave it unset to use the gateway's own host.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
