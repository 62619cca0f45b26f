using System.Text.Json;
using System.Text.Json.Serialization;

namespace TradingAgents.Actors.Silo.Hosting;

/// <summary>The JSON shape of every answer the gateway writes itself: camelCase names, camelCase string enums.</summary>
public static class GatewayJson
{
    /// <summary>Applies the gateway's conventions to <paramref name="options"/>.</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DictionaryKeyPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        return options;
    }
}
