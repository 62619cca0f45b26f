using System.Text.Json;

namespace TradingAgents.DemoServices.Hosting;

/// <summary>The wire format of the seed's Python services: snake_case JSON.</summary>
internal static class DemoJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.PropertyNameCaseInsensitive = true;
        return options;
    }
}
