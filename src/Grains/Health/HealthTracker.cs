using TradingAgents.Actors.Discovery;

namespace TradingAgents.Actors.Health;

/// <summary>
/// Turns probe results into a health state: unhealthy after <c>failureThreshold</c> consecutive
/// failures, healthy again after one success. Pure; the instance grain applies what it returns.
/// </summary>
internal sealed class HealthTracker(int failureThreshold)
{
    public HealthState State { get; private set; } = HealthState.Unknown;

    public int ConsecutiveFailures { get; private set; }

    /// <summary>Records one probe result; returns true when <see cref="State"/> changed.</summary>
    public bool Record(bool success)
    {
        var before = State;
        if (success)
        {
            ConsecutiveFailures = 0;
            State = HealthState.Healthy;
        }
        else
        {
            ConsecutiveFailures++;
            if (ConsecutiveFailures >= failureThreshold)
            {
                State = HealthState.Unhealthy;
            }
        }

        return State != before;
    }

    /// <summary>Forgets every result, as when probing is switched off.</summary>
    public void Reset()
    {
        ConsecutiveFailures = 0;
        State = HealthState.Unknown;
    }
}
