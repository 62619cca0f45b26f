using Microsoft.Extensions.Options;

namespace TradingAgents.Actors.Routing;

/// <summary>Checks the <c>Routing</c> section and names every bad key at once.</summary>
internal sealed class RouterOptionsValidator : IValidateOptions<RouterOptions>
{
    public ValidateOptionsResult Validate(string? name, RouterOptions options)
    {
        var failures = new List<string>();
        Check(failures, nameof(RouterOptions.VersionCheckInterval), options.VersionCheckInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1));
        Check(failures, nameof(RouterOptions.OutcomeFlushInterval), options.OutcomeFlushInterval, TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1));
        Check(failures, nameof(RouterOptions.FirstSnapshotTimeout), options.FirstSnapshotTimeout, TimeSpan.Zero, TimeSpan.FromMinutes(5));
        Check(failures, nameof(RouterOptions.RetryBudgetInterval), options.RetryBudgetInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(20));
        if (options.TrialLeasesPerRequest is < 1 or > 100)
        {
            failures.Add($"{RouterOptions.SectionName}:{nameof(RouterOptions.TrialLeasesPerRequest)} is {options.TrialLeasesPerRequest}; expected 1..100.");
        }

        if (options.MaxPendingOutcomes is < 1 or > 100_000)
        {
            failures.Add($"{RouterOptions.SectionName}:{nameof(RouterOptions.MaxPendingOutcomes)} is {options.MaxPendingOutcomes}; expected 1..100000.");
        }

        CheckName(failures, nameof(RouterOptions.Zone), options.Zone);
        CheckName(failures, nameof(RouterOptions.Node), options.Node);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>A zone or node name as Kubernetes writes them: 1..253 characters, no white space.</summary>
    private static void CheckName(List<string> failures, string key, string? value)
    {
        if (value is not null && (value.Length is 0 or > 253 || value.Any(char.IsWhiteSpace)))
        {
            failures.Add($"{RouterOptions.SectionName}:{key} is '{value}'; expected a zone or node name (1..253 characters, no white space) or nothing.");
        }
    }

    private static void Check(List<string> failures, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{RouterOptions.SectionName}:{key} is {value}; expected {min}..{max}.");
        }
    }
}
