namespace TradingAgents.DemoServices.Hosting;

/// <summary>Who this backend is, and its sequence for ids it hands out (task ids, completion ids).</summary>
internal sealed class InstanceIdentity(string service, string instance)
{
    private long _sequence;

    public string Service { get; } = service;

    public string Instance { get; } = instance;

    public long NextSequence() => Interlocked.Increment(ref _sequence);
}
