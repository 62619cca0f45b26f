using Microsoft.AspNetCore.Http;

namespace TradingAgents.DemoServices.Api;

/// <summary>400 answers that name the offending field, as RFC 7807 validation problems.</summary>
internal static class Problems
{
    public static IResult Invalid(string field, string message) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] });

    public static IResult Invalid(IDictionary<string, string[]> errors) =>
        Results.ValidationProblem(
            errors,
            detail: string.Join("; ", errors.Select(error => $"{error.Key}: {string.Join(" ", error.Value)}")));
}
