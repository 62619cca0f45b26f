using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using YamlDotNet.Core;

namespace TradingAgents.Actors.Silo.Hosting;

/// <summary>
/// Turns an exception that stopped start-up into the one message an operator needs: what failed and
/// why, from the exception and its causes, each said once, without stack traces. The process then
/// exits with <see cref="ExitCode"/>.
/// </summary>
internal static partial class StartupFailure
{
    /// <summary>The exit code of every start-up failure.</summary>
    public const int ExitCode = 1;

    /// <summary>The message: the first line names what failed, later lines give the causes not already said.</summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var lines = new List<string>();
        var invalid = new List<string>();
        Collect(exception, lines, invalid);
        if (invalid.Count > 0)
        {
            // Every bad key of every section, in one list, each once.
            lines.Insert(0, $"The configuration has {invalid.Count} error(s):");
            lines.InsertRange(1, invalid);
        }

        var text = new StringBuilder("Start-up failed: ");
        for (var i = 0; i < lines.Count; i++)
        {
            text.Append(i == 0 ? lines[i] : Environment.NewLine + "  " + lines[i]);
        }

        return text.ToString();
    }

    /// <summary>Writes <see cref="Describe"/> to standard error.</summary>
    public static async Task<int> ReportAsync(Exception exception)
    {
        await Console.Error.WriteLineAsync(Describe(exception)).ConfigureAwait(false);
        await Console.Error.FlushAsync().ConfigureAwait(false);
        return ExitCode;
    }

    private static void Collect(Exception exception, List<string> lines, List<string> invalid)
    {
        switch (exception)
        {
            case AggregateException aggregate:
                foreach (var inner in aggregate.InnerExceptions)
                {
                    Collect(inner, lines, invalid);
                }

                return;
            case OptionsValidationException validation:
                // Its message joins the failures with "; " after their own full stops; one line each
                // instead. A failure may itself be a headed list (the service_discovery reader's).
                foreach (var failure in validation.Failures)
                {
                    foreach (var line in failure.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        var entry = line.TrimEnd('.');
                        if (!ListHeader().IsMatch(entry) && !invalid.Contains(entry, StringComparer.Ordinal))
                        {
                            invalid.Add(entry);
                        }
                    }
                }

                return;
            case YamlException yaml:
                // The YAML reader's wrapper repeats the message without its position: add the position there.
                var position = $" (line {yaml.Start.Line}, column {yaml.Start.Column}).";
                var said = lines.FindIndex(line => line.Contains(Trim(yaml.Message)[..^1], StringComparison.OrdinalIgnoreCase));
                if (said >= 0)
                {
                    lines[said] = lines[said].TrimEnd('.') + position;
                }
                else
                {
                    lines.Add(Trim(yaml.Message)[..^1] + position);
                }

                return;
            case StackExchange.Redis.RedisConnectionException:
                // The client's own advice (abortConnect=false, "in your code") is for developers: say what to check.
                Add("It was not possible to connect to the redis server(s) of Cluster:RedisConnectionString: check the address and that Redis runs and accepts connections from this host.", lines);
                return;
        }

        // Exceptions that only wrap their cause say nothing of their own.
        if (exception is not (TargetInvocationException or TypeInitializationException) || exception.InnerException is null)
        {
            Add(exception.Message, lines);
        }

        if (exception.InnerException is { } cause)
        {
            Collect(cause, lines, invalid);
        }
    }

    private static void Add(string message, List<string> lines)
    {
        var trimmed = Trim(message);
        if (trimmed.Length == 0 || lines.Exists(line => line.Contains(trimmed[..^1], StringComparison.OrdinalIgnoreCase)))
        {
            return;
        }

        lines.Add(trimmed);
    }

    private static string Trim(string message) => message.Trim().TrimEnd('.') + ".";

    /// <summary>"The service_discovery configuration has 2 error(s):", the head of a list that is merged into the one list.</summary>
    [GeneratedRegex(@"^The \S+ configuration has \d+ error\(s\):$")]
    private static partial Regex ListHeader();
}
