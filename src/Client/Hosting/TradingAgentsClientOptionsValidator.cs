using Microsoft.Extensions.Options;

namespace TradingAgents.Actors.Client.Hosting;

/// <summary>Reports every bad <see cref="TradingAgentsClientOptions"/> value at once, naming the property.</summary>
internal sealed class TradingAgentsClientOptionsValidator : IValidateOptions<TradingAgentsClientOptions>
{
    /// <summary>Polly accepts retry delays up to one day.</summary>
    private static readonly TimeSpan MaxRetryBaseDelay = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, TradingAgentsClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.RetryBaseDelay < TimeSpan.Zero || options.RetryBaseDelay > MaxRetryBaseDelay)
        {
            failures.Add($"{nameof(TradingAgentsClientOptions.RetryBaseDelay)} must be between 0 and 1 day, but is {options.RetryBaseDelay}.");
        }

        if (options.PreferredZone is { } zone && string.IsNullOrWhiteSpace(zone))
        {
            failures.Add($"{nameof(TradingAgentsClientOptions.PreferredZone)} must be null or a zone name, but is blank.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
