using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace TradingAgents.Actors.Configuration;

public static partial class ServiceDiscoveryConfigurationReader
{
    /// <summary>Typed reads of single keys; each bad key adds one error naming its full path and leaves the default.</summary>
    private sealed class SectionReader
    {
        // Timers and Task.Delay reject more than int.MaxValue milliseconds, so longer durations could never be used.
        private static readonly double MaxSeconds = Math.Floor(int.MaxValue / 1000.0);

        public List<string> Errors { get; } = [];

        public void Error(string path, string message) => Errors.Add($"{path}: {message}");

        /// <summary>True when <paramref name="section"/> is a map to read; reports a scalar in its place and unknown keys.</summary>
        public bool ExpectMap(IConfigurationSection section, string[]? keys)
        {
            if (!section.Exists())
            {
                return false;
            }

            if (section.Value is { } value)
            {
                // "load_balancing:" with nothing after it is an empty map; anything else is a misplaced value.
                if (!IsEmpty(value))
                {
                    Error(section.Path, keys is null ? $"expected a map, found '{value}'" : $"expected a map of {string.Join(", ", keys)}; found '{value}'");
                }

                return false;
            }

            if (keys is not null)
            {
                foreach (var child in section.GetChildren())
                {
                    if (!keys.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
                    {
                        var guess = ClosestKey(child.Key, keys);
                        var hint = guess is null ? string.Empty : $"; did you mean '{guess}'?";
                        Error(child.Path, $"unknown key{hint} (expected one of {string.Join(", ", keys)})");
                    }
                }
            }

            return true;
        }

        public int? Int(IConfigurationSection section, string key, int min, int max = int.MaxValue, bool optional = false)
        {
            var (path, text) = Scalar(section, key, optional);
            if (string.IsNullOrEmpty(text))
            {
                return null;
            }

            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                Error(path, $"'{text}' is not an integer");
                return null;
            }

            if (value < min || value > max)
            {
                Error(path, max == int.MaxValue ? $"{value} must be at least {min}" : $"{value} is not in {min}..{max}");
                return null;
            }

            return value;
        }

        public TimeSpan? Seconds(IConfigurationSection section, string key, bool optional = false)
        {
            var (path, text) = Scalar(section, key, optional);
            if (string.IsNullOrEmpty(text))
            {
                return null;
            }

            if (!double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var seconds))
            {
                Error(path, $"'{text}' is not a number of seconds");
                return null;
            }

            if (seconds > MaxSeconds)
            {
                Error(path, $"{text} s is more than the maximum of {MaxSeconds} s");
                return null;
            }

            var duration = TimeSpan.FromSeconds(seconds);
            if (duration <= TimeSpan.Zero)
            {
                Error(path, $"{text} must be greater than 0 seconds");
                return null;
            }

            return duration;
        }

        /// <summary>A number in <paramref name="min"/>..<paramref name="max"/> (decimal point allowed); null when absent or bad (reported).</summary>
        public double? Number(IConfigurationSection section, string key, double min, double max)
        {
            var (path, text) = Scalar(section, key);
            if (string.IsNullOrEmpty(text))
            {
                return null;
            }

            if (!double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value)
                || !double.IsFinite(value))
            {
                Error(path, $"'{text}' is not a number");
                return null;
            }

            if (value < min || value > max)
            {
                Error(path, $"{text} is not in {min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)}");
                return null;
            }

            return value;
        }

        public bool? Bool(IConfigurationSection section, string key)
        {
            var (path, text) = Scalar(section, key);
            if (text is null)
            {
                return null;
            }

            if (!bool.TryParse(text, out var value))
            {
                Error(path, $"'{text}' is not true or false");
                return null;
            }

            return value;
        }

        /// <summary>An optional string: missing or empty gives null.</summary>
        public string? String(IConfigurationSection section, string key)
        {
            var (_, text) = Scalar(section, key, allowEmpty: true);
            return string.IsNullOrEmpty(text) ? null : text;
        }

        public string? NonEmptyString(IConfigurationSection section, string key) => Scalar(section, key).Text;

        public string? DnsLabel(IConfigurationSection section, string key, bool optional = false)
        {
            var (path, text) = Scalar(section, key, optional);
            if (string.IsNullOrEmpty(text))
            {
                return null;
            }

            if (!IsDnsLabel(text))
            {
                Error(path, $"'{text}' is not a lowercase DNS label (a-z, 0-9, '-', at most 63 characters)");
                return null;
            }

            return text;
        }

        public string? Path(IConfigurationSection section, string key)
        {
            var (path, text) = Scalar(section, key);
            if (text is not null && !text.StartsWith('/'))
            {
                Error(path, $"'{text}' must start with '/'");
                return null;
            }

            return text;
        }

        public string? Algorithm(IConfigurationSection section, string key, bool optional = false) =>
            OneOf(section, key, LoadBalancingAlgorithms.All, "algorithm", optional);

        public string? OneOf(IConfigurationSection section, string key, IReadOnlyList<string> accepted, string what, bool optional = false)
        {
            var (path, text) = Scalar(section, key, optional);
            if (string.IsNullOrEmpty(text))
            {
                return null;
            }

            if (!accepted.Contains(text, StringComparer.Ordinal))
            {
                Error(path, $"'{text}' is not a known {what}; expected one of {string.Join(", ", accepted)}");
                return null;
            }

            return text;
        }

        public static bool IsDnsLabel(string text) =>
            text.Length is > 0 and <= 63
            && text[0] != '-'
            && text[^1] != '-'
            && text.All(static c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');

        /// <summary>True for an empty value or a YAML null (<c>~</c>, <c>null</c>), which the YAML provider hands over as text.</summary>
        public static bool IsEmpty(string? value) =>
            string.IsNullOrWhiteSpace(value) || value.Trim() is "~" or "null" or "Null" or "NULL";

        public static bool IsHost(string host) => Uri.CheckHostName(host) != UriHostNameType.Unknown;

        /// <summary>
        /// The trimmed value of <paramref name="key"/>; null when the key is absent or a map (reported). An
        /// empty value or a YAML null (<c>~</c>, <c>null</c>) gives empty text when <paramref name="allowEmpty"/>,
        /// else null and an error.
        /// </summary>
        private (string Path, string? Text) Scalar(IConfigurationSection section, string key, bool allowEmpty = false)
        {
            var child = section.GetSection(key);
            if (!child.Exists())
            {
                return (child.Path, null);
            }

            if (child.Value is null)
            {
                Error(child.Path, "expected a single value, found a map or list");
                return (child.Path, null);
            }

            var text = IsEmpty(child.Value) ? string.Empty : child.Value.Trim();
            if (text.Length == 0 && !allowEmpty)
            {
                Error(child.Path, "has no value");
                return (child.Path, null);
            }

            return (child.Path, text);
        }

        /// <summary>The accepted key closest to <paramref name="key"/> within a few edits (more for longer keys), to name the likely typo.</summary>
        private static string? ClosestKey(string key, string[] keys)
        {
            string? best = null;
            var bestDistance = key.Length >= 8 ? 4 : 3;
            foreach (var candidate in keys)
            {
                var distance = EditDistance(key.ToLowerInvariant(), candidate);
                if (distance < bestDistance)
                {
                    best = candidate;
                    bestDistance = distance;
                }
            }

            return best;
        }

        private static int EditDistance(string a, string b)
        {
            var previous = new int[b.Length + 1];
            var current = new int[b.Length + 1];
            for (var j = 0; j <= b.Length; j++)
            {
                previous[j] = j;
            }

            for (var i = 1; i <= a.Length; i++)
            {
                current[0] = i;
                for (var j = 1; j <= b.Length; j++)
                {
                    var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                    current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
                }

                (previous, current) = (current, previous);
            }

            return previous[b.Length];
        }
    }
}
