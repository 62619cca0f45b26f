// docs/client.md, "From another process": an Orleans client joins the gateway's cluster as a client
// and calls the services through the discovery grains. Against `--demo`:
//   dotnet run --project samples/TradingAgents.ClientSample
// The cluster id, service id and gateway port must be the silo's (defaults: trading-agents,
// trading-agents, 30000, as the gateway's); set them with --Cluster:ClusterId=..., --Cluster:ServiceId=...,
// --Cluster:GatewayPort=... when the gateway runs with others.
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TradingAgents.Actors.Client.Hosting;
using TradingAgents.Actors.Client.TradingAgents;
using TradingAgents.Actors.Configuration;

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans.Runtime.Messaging", LogLevel.Error);
var cluster = builder.Configuration.GetSection("Cluster");
var clusterId = cluster["ClusterId"] ?? "trading-agents";
var serviceId = cluster["ServiceId"] ?? "trading-agents";
var gatewayPort = int.Parse(cluster["GatewayPort"] ?? "30000", CultureInfo.InvariantCulture);

// Redis membership instead (Microsoft.Orleans.Clustering.Redis):
//   client.UseRedisClustering(redisConnectionString) and Configure<ClusterOptions> with both ids.
builder.UseOrleansClient(client => client.UseLocalhostClustering(gatewayPort, serviceId, clusterId));

// Retries and per-service timeouts from the same service_discovery section as the silo (--config <path>).
builder.Services.AddServiceDiscoveryOptions(builder.Configuration);
builder.Services.AddTradingAgentsClient();

using var host = builder.Build();

// Without a gateway to talk to, the client keeps trying; a bounded start gives a clear answer instead.
using (var connecting = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
{
    try
    {
        await host.StartAsync(connecting.Token);
    }
    catch (Exception ex) when (ex is not OutOfMemoryException)
    {
        var why = connecting.IsCancellationRequested ? "no gateway answered within 15 s." : ex.Message;
        await Console.Error.WriteLineAsync(
            $"Could not join cluster '{clusterId}' (service id '{serviceId}') through 127.0.0.1:{gatewayPort}: {why} Is the gateway running (dotnet run --project src/Silo -- --demo)?");
        return 1;
    }
}

var client = host.Services.GetRequiredService<TradingAgentsClient>();
var stock = await client.GetStockDataAsync("AAPL", "5d");
Console.WriteLine($"data-service: {stock.Symbol} {stock.Period}, {stock.Count} prices");

var results = await client.BatchAnalysisAsync(["AAPL", "MSFT", "NVDA"], maxConcurrent: 5);
foreach (var result in results)
{
    Console.WriteLine(result.IsSuccess ? $"analysis-engine: {result.StockCode} queued as {result.Task.TaskId}" : $"analysis-engine: {result.StockCode} failed: {result.Error.Message}");
}

await host.StopAsync();
return results.All(static r => r.IsSuccess) ? 0 : 1;
