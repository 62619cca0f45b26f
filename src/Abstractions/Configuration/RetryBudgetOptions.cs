namespace TradingAgents.Actors.Configuration;

/// <summary>
/// The <c>retry_budget:</c> section (global, and per service where each key overrides the global one):
/// retries to a service are limited, across every gateway and client together, to <see cref="Ratio"/> of
/// its requests plus <see cref="MinRetriesPerSecond"/>, over a sliding <see cref="Window"/> (Finagle's
/// and Linkerd's retry budget, kept once for the fleet by the service grain).
/// </summary>
public sealed class RetryBudgetOptions
{
    /// <summary><c>enabled</c>: false lets every retry that <c>max_retries</c> and the retry rules allow. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary><c>ratio</c>: retries allowed per request (0.2 = one retry per five requests). Default 0.2.</summary>
    public double Ratio { get; set; } = 0.2;

    /// <summary><c>min_retries_per_second</c>: retries always allowed fleet-wide, so a service with little traffic can still retry. Default 10.</summary>
    public double MinRetriesPerSecond { get; set; } = 10;

    /// <summary><c>window</c> (seconds): how long a request's deposit and a retry's withdrawal count. Default 10 s.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A copy, for a service's own section to override key by key.</summary>
    public RetryBudgetOptions Clone() => (RetryBudgetOptions)MemberwiseClone();
}
