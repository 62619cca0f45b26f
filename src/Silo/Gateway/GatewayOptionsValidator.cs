using Microsoft.Extensions.Options;

namespace TradingAgents.Actors.Silo.Gateway;

/// <summary>Checks the <c>Gateway</c> section and names every bad key at once.</summary>
internal sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = new List<string>();
        Check(failures, "DrainTimeoutSeconds", options.DrainTimeoutSeconds, 0, 3600);
        Check(failures, "MaxRequestBodyBytes", options.MaxRequestBodyBytes, 1, long.MaxValue);
        Check(failures, "MaxRequestHeadersTotalBytes", options.MaxRequestHeadersTotalBytes, 1024, 1024 * 1024);
        Check(failures, "MaxReplayableBodyBytes", options.MaxReplayableBodyBytes, 0, 64 * 1024 * 1024);
        Check(failures, "RetryBaseDelayMilliseconds", options.RetryBaseDelayMilliseconds, 0, 60_000);
        Check(failures, "RetryMaxDelayMilliseconds", options.RetryMaxDelayMilliseconds, 0, 600_000);
        Check(failures, "RetryAfterSeconds", options.RetryAfterSeconds, 1, 3600);
        if (options.ConnectTimeoutSeconds is <= 0 or > 300)
        {
            failures.Add($"{GatewayOptions.SectionName}:ConnectTimeoutSeconds is {options.ConnectTimeoutSeconds}; expected more than 0 and at most 300.");
        }

        if (options.RetryMaxDelayMilliseconds < options.RetryBaseDelayMilliseconds)
        {
            failures.Add($"{GatewayOptions.SectionName}:RetryMaxDelayMilliseconds ({options.RetryMaxDelayMilliseconds}) is below RetryBaseDelayMilliseconds ({options.RetryBaseDelayMilliseconds}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string key, double value, double min, double max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{GatewayOptions.SectionName}:{key} is {value}; expected {min}..{max}.");
        }
    }
}
