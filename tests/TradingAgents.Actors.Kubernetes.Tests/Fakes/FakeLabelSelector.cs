namespace TradingAgents.Actors.Tests.Fakes;

/// <summary>
/// The equality and existence subset of Kubernetes label selectors: <c>k=v</c>, <c>k==v</c>,
/// <c>k!=v</c>, <c>k</c> and <c>!k</c>, comma-separated, all of which must hold.
/// </summary>
internal sealed class FakeLabelSelector
{
    private readonly List<Func<IDictionary<string, string>, bool>> _terms = [];

    public FakeLabelSelector(string? selector)
    {
        foreach (var raw in (selector ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (raw.Contains("!=", StringComparison.Ordinal))
            {
                var (key, value) = Split(raw, "!=");
                _terms.Add(labels => !labels.TryGetValue(key, out var v) || v != value);
            }
            else if (raw.Contains('=', StringComparison.Ordinal))
            {
                var (key, value) = Split(raw, raw.Contains("==", StringComparison.Ordinal) ? "==" : "=");
                _terms.Add(labels => labels.TryGetValue(key, out var v) && v == value);
            }
            else if (raw.StartsWith('!'))
            {
                var key = raw[1..];
                _terms.Add(labels => !labels.ContainsKey(key));
            }
            else
            {
                _terms.Add(labels => labels.ContainsKey(raw));
            }
        }
    }

    public bool Matches(IDictionary<string, string>? labels)
    {
        labels ??= new Dictionary<string, string>();
        return _terms.TrueForAll(term => term(labels));
    }

    private static (string Key, string Value) Split(string term, string separator)
    {
        var at = term.IndexOf(separator, StringComparison.Ordinal);
        return (term[..at].Trim(), term[(at + separator.Length)..].Trim());
    }
}
