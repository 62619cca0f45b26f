namespace TradingAgents.Actors.Silo.Hosting;

/// <summary>The body of <c>/ready</c>.</summary>
/// <param name="Status">
/// <c>ready</c>; <c>degraded</c> (ready, but some configured service has no endpoints); or <c>notReady</c>.
/// </param>
/// <param name="SiloActive">The co-hosted silo has joined the cluster and is not stopping.</param>
/// <param name="Draining">Shutdown has begun: new proxied requests get 503.</param>
/// <param name="InFlight">Proxied requests being forwarded.</param>
/// <param name="RoutersWarm">Every configured service's router has its first routing snapshot (or the warm-up gave up waiting).</param>
/// <param name="RoutersPending">Configured services whose router has no snapshot, with why.</param>
/// <param name="ServicesWithoutEndpoints">Configured services for which no source lists an endpoint (<see cref="EndpointReadiness"/>).</param>
public sealed record ReadinessReport(string Status, bool SiloActive, bool Draining, int InFlight, bool RoutersWarm, IReadOnlyDictionary<string, string> RoutersPending, IReadOnlyList<string> ServicesWithoutEndpoints);
