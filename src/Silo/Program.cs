using TradingAgents.Actors.Silo.Hosting;

return await GatewayApp.RunAsync(args).ConfigureAwait(false);
