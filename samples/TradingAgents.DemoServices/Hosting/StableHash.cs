using System.Text;

namespace TradingAgents.DemoServices.Hosting;

/// <summary>FNV-1a over UTF-8: unlike <see cref="string.GetHashCode()"/> it is the same in every process.</summary>
internal static class StableHash
{
    public static int Of(string text)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return unchecked((int)hash);
    }
}
