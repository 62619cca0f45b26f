using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Options;

namespace TradingAgents.Actors.Silo.Hosting;

/// <summary>
/// Binds an options section like <c>OptionsBuilder.Bind</c>, except that a value that cannot be
/// converted does not throw: the configuration binder stops at the first such value with an exception
/// that start-up validation does not collect, so every other bad key of every section went unreported.
/// Here a bad value keeps its default and becomes one validation failure ("Gateway:MaxRequestBodyBytes:
/// 'lots' is not a whole number"), reported with the section's own checks in the one start-up list.
/// </summary>
internal static class CheckedBinding
{
    /// <summary>Binds <typeparamref name="TOptions"/> to <paramref name="section"/> and validates that every value converts.</summary>
    public static OptionsBuilder<TOptions> BindChecked<TOptions>(this OptionsBuilder<TOptions> builder, IConfigurationSection section)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        var name = builder.Name;
        builder.Services.AddSingleton<IOptionsChangeTokenSource<TOptions>>(new ConfigurationChangeTokenSource<TOptions>(name, section));
        builder.Services.AddSingleton<IConfigureOptions<TOptions>>(new ConfigureNamedOptions<TOptions>(name, options => Bind(section, options)));
        builder.Services.AddSingleton<IValidateOptions<TOptions>>(new ConversionValidator<TOptions>(name, section));
        return builder;
    }

    /// <summary>Binds the keys of <paramref name="section"/> whose values convert; the others keep their defaults.</summary>
    public static void Bind(IConfigurationSection section, object options)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(options);
        var bad = Errors(section, options.GetType()).Select(static e => e.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (bad.Count == 0)
        {
            section.Bind(options);
            return;
        }

        var good = section.AsEnumerable(makePathsRelative: true)
            .Where(pair => pair.Value is not null && !bad.Contains(pair.Key.Split(ConfigurationPath.KeyDelimiter)[0]));
        new ConfigurationBuilder().AddInMemoryCollection(good).Build().Bind(options);
    }

    /// <summary>One failure per key of <paramref name="section"/> whose value cannot be bound to <paramref name="type"/>.</summary>
    public static IReadOnlyList<(string Key, string Message)> Errors(IConfigurationSection section, Type type)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(type);
        var errors = new List<(string, string)>();
        foreach (var child in section.GetChildren())
        {
            var property = type.GetProperty(child.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is not { CanWrite: true } || property.GetIndexParameters().Length > 0)
            {
                // The binder ignores keys that match no property; so does this.
                continue;
            }

            if (Problem(child, property.PropertyType) is { } problem)
            {
                errors.Add((child.Key, $"{child.Path}: {problem}"));
            }
        }

        return errors;
    }

    private static string? Problem(IConfigurationSection child, Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        var converter = TypeDescriptor.GetConverter(target);
        if (target == typeof(string) || !converter.CanConvertFrom(typeof(string)))
        {
            // Strings always bind; other shapes (nested sections, lists) are checked by the binder itself.
            return target == typeof(string) ? null : BinderProblem(child, type);
        }

        if (child.Value is null)
        {
            return child.GetChildren().Any() ? $"expected {Expected(target)}, found a section" : null;
        }

        if (child.Value.Length == 0 && target != type)
        {
            // An empty value leaves a nullable property null.
            return null;
        }

        try
        {
            _ = converter.ConvertFromInvariantString(child.Value);
            return null;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException or NotSupportedException
            || ex.InnerException is FormatException or OverflowException)
        {
            return IsWholeNumberType(target) && decimal.TryParse(child.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
                ? $"'{child.Value}' is out of range; expected a whole number from {Limit(target, "MinValue")} to {Limit(target, "MaxValue")}"
                : $"'{child.Value}' is not {Expected(target)}";
        }
    }

    private static string? BinderProblem(IConfigurationSection child, Type type)
    {
        try
        {
            _ = child.Get(type);
            return null;
        }
        catch (InvalidOperationException ex)
        {
            return ex.Message;
        }
    }

    private static string Expected(Type type)
    {
        if (type.IsEnum)
        {
            return $"one of {string.Join(", ", Enum.GetNames(type))}";
        }

        if (IsWholeNumberType(type))
        {
            return "a whole number";
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "a number",
            TypeCode.Boolean => "true or false",
            _ when type == typeof(TimeSpan) => "a duration (hh:mm:ss)",
            _ when type == typeof(Uri) => "a URL",
            _ => $"a valid {type.Name}",
        };
    }

    private static bool IsWholeNumberType(Type type) =>
        !type.IsEnum && Type.GetTypeCode(type) is TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16
            or TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Int64 or TypeCode.UInt64;

    private static string Limit(Type type, string field) =>
        Convert.ToString(type.GetField(field, BindingFlags.Public | BindingFlags.Static)?.GetValue(null), CultureInfo.InvariantCulture) ?? "?";

    private sealed class ConversionValidator<TOptions>(string? optionsName, IConfigurationSection section) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options)
        {
            if (optionsName is not null && !string.Equals(name, optionsName, StringComparison.Ordinal))
            {
                return ValidateOptionsResult.Skip;
            }

            var errors = Errors(section, typeof(TOptions));
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors.Select(static e => e.Message));
        }
    }
}
