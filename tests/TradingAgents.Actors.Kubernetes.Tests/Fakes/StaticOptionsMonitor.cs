using Microsoft.Extensions.Options;

namespace TradingAgents.Actors.Tests.Fakes;

/// <summary>An <see cref="IOptionsMonitor{TOptions}"/> over one fixed instance.</summary>
public sealed class StaticOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
