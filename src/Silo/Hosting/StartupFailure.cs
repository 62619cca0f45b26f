using System.Reflection;
using System.Text;
using Microsoft.Extensions.Options;
using YamlDotNet.Core;

namespace TradingAgents.Actors.Silo.Hosting;

/// <summary>
/// Turns an exception that stopped start-up into the one message an operator needs: what failed and
/// why, from the exception and its causes, each said once, without stack traces. The process then
/// exits with <see cref="ExitCode"/>.
/// </summary>
internal static class StartupFailure
{
    /// <summary>The exit code of every start-up failure.</summary>
    public const int ExitCode = 1;

    /// <summary>The message: the first line names what failed, later lines give the causes not already said.</summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var lines = new List<string>();
        Collect(exception, lines);
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

    private static void Collect(Exception exception, List<string> lines)
    {
        switch (exception)
        {
            case AggregateException aggregate:
                foreach (var inner in aggregate.InnerExceptions)
                {
                    Collect(inner, lines);
                }

                return;
            case OptionsValidationException validation:
                // Its message already lists every failure; its inner exceptions add nothing.
                Add(validation.Message, lines);
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
        }

        // Exceptions that only wrap their cause say nothing of their own.
        if (exception is not (TargetInvocationException or TypeInitializationException) || exception.InnerException is null)
        {
            Add(exception.Message, lines);
        }

        if (exception.InnerException is { } cause)
        {
            Collect(cause, lines);
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
}
