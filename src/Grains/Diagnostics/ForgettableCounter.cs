using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace TradingAgents.Actors.Diagnostics;

/// <summary>
/// A monotonic counter per (service, instance, detail) whose series can be dropped when the service or
/// instance is gone. A <see cref="Counter{T}"/> keeps every label set it ever saw until the process
/// ends, so churning pods would grow the exporter without bound; an observable counter reports only
/// the series still held (the OpenTelemetry SDK drops series an observable callback stops reporting).
/// </summary>
internal sealed class ForgettableCounter
{
    private readonly ConcurrentDictionary<(string Service, string? Instance, string? Detail), StrongBox<long>> _counts = new();
    private readonly string _detailTag;

    public ForgettableCounter(Meter meter, string name, string unit, string description, string detailTag)
    {
        _detailTag = detailTag;
        meter.CreateObservableCounter(name, Observe, unit, description);
    }

    /// <summary>Series held now.</summary>
    public int Count => _counts.Count;

    public void Add(string service, string? instance, string? detail)
    {
        var box = _counts.GetOrAdd((service, instance, detail), static _ => new StrongBox<long>());
        Interlocked.Increment(ref box.Value);
    }

    /// <summary>Drops the series of one instance of <paramref name="service"/>, or of every instance and the service's own when <paramref name="instance"/> is null.</summary>
    public void Forget(string service, string? instance)
    {
        foreach (var key in _counts.Keys)
        {
            if (string.Equals(key.Service, service, StringComparison.Ordinal)
                && (instance is null || string.Equals(key.Instance, instance, StringComparison.Ordinal)))
            {
                _counts.TryRemove(key, out _);
            }
        }
    }

    private IEnumerable<Measurement<long>> Observe()
    {
        foreach (var ((service, instance, detail), box) in _counts)
        {
            var tags = new List<KeyValuePair<string, object?>>(3) { new("service", service) };
            if (instance is not null)
            {
                tags.Add(new("instance", instance));
            }

            if (detail is not null)
            {
                tags.Add(new(_detailTag, detail));
            }

            yield return new Measurement<long>(Volatile.Read(ref box.Value), tags);
        }
    }
}
