namespace TradingAgents.Actors.Silo.StatusPage;

/// <summary>
/// The discovery status page at <c>/discovery</c>: one static HTML page and its script, embedded in
/// the assembly, that poll the discovery API (<c>/api/discovery/services</c>) and show every
/// service's instances with their slice conditions, health, circuit, load and share of traffic.
/// </summary>
public static class DiscoveryStatusPageExtensions
{
    /// <summary>Path of the page.</summary>
    public const string PagePath = "/discovery";

    /// <summary>Path of the page's script.</summary>
    public const string ScriptPath = "/discovery/app.js";

    // The page loads its script from this origin and talks only to the API; nothing inline runs.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'";

    private static readonly Lazy<byte[]> Page = new(() => ReadResource("discovery.html"));
    private static readonly Lazy<byte[]> Script = new(() => ReadResource("discovery.js"));

    /// <summary>Maps <c>GET /discovery</c> and its script. The API must be mapped too (<c>MapDiscoveryApi</c>).</summary>
    public static RouteGroupBuilder MapDiscoveryStatusPage(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(string.Empty);
        group.MapGet(PagePath, (HttpContext context) =>
            context.Request.Path.Value is { } path && path.EndsWith('/')
                // The page loads its script and API by relative URLs: under /discovery/ they would miss.
                ? Results.Redirect(context.Request.PathBase + PagePath)
                : Serve(context, Page.Value, "text/html; charset=utf-8"));
        group.MapGet(ScriptPath, (HttpContext context) => Serve(context, Script.Value, "text/javascript; charset=utf-8"));
        return group;
    }

    private static IResult Serve(HttpContext context, byte[] content, string contentType)
    {
        var headers = context.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        return Results.Bytes(content, contentType);
    }

    private static byte[] ReadResource(string fileName)
    {
        var name = $"TradingAgents.Actors.Silo.StatusPage.{fileName}";
        using var stream = typeof(DiscoveryStatusPageExtensions).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded resource '{name}' is missing from the gateway assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
