using System.Net.Http.Json;
using System.Text.Json;

namespace TradingAgents.Actors.Tests.DemoServices;

/// <summary>Small helpers for talking to a demo backend in tests.</summary>
internal static class DemoHttp
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object body) =>
        client.PostAsJsonAsync(path, body);

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string path, string json) =>
        client.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    public static Task<HttpResponseMessage> PutRawAsync(this HttpClient client, string path, string json) =>
        client.PutAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    public static string[] ErrorFields(this JsonElement problem) =>
        [.. problem.GetProperty("errors").EnumerateObject().Select(error => error.Name).Order(StringComparer.Ordinal)];
}
