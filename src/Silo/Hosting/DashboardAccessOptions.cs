namespace TradingAgents.Actors.Silo.Hosting;

/// <summary>
/// The <c>Dashboard</c> section. The Orleans Dashboard has no authentication of its own, so by
/// default only loopback clients may open <c>/dashboard</c> (as <c>kubectl port-forward</c> traffic
/// is); others get 403.
/// </summary>
public sealed class DashboardAccessOptions
{
    /// <summary>The configuration section that holds these options.</summary>
    public const string SectionName = "Dashboard";

    /// <summary>Lets any client open the dashboard. Default false: only loopback clients.</summary>
    public bool AllowRemote { get; set; }

    /// <summary>
    /// When set, non-loopback clients that send <c>Authorization: Bearer &lt;token&gt;</c> with this
    /// value are let in too. Default none.
    /// </summary>
    public string? Token { get; set; }
}
