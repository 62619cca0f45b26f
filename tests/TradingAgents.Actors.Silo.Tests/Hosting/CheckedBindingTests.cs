using Microsoft.Extensions.Configuration;
using TradingAgents.Actors.Silo.Hosting;

namespace TradingAgents.Actors.Tests.Hosting;

/// <summary>Binding that reports every value it cannot convert instead of throwing at the first.</summary>
public sealed class CheckedBindingTests
{
    [Fact]
    public void Bind_SeveralBadValues_KeepsDefaultsBindsTheRestAndNamesEachBadKey()
    {
        var section = Section(new()
        {
            ["Management:Port"] = "99999999999",
            ["Management:Host"] = "127.0.0.2",
            ["Dashboard:AllowRemote"] = "sometimes",
        });
        var management = new ManagementOptions();

        CheckedBinding.Bind(section.GetSection("Management"), management);

        Assert.Null(management.Port);
        Assert.Equal("127.0.0.2", management.Host);
        Assert.Equal(
            ["Management:Port: '99999999999' is out of range; expected a whole number from -2147483648 to 2147483647"],
            CheckedBinding.Errors(section.GetSection("Management"), typeof(ManagementOptions)).Select(static e => e.Message));
        Assert.Equal(
            ["Dashboard:AllowRemote: 'sometimes' is not true or false"],
            CheckedBinding.Errors(section.GetSection("Dashboard"), typeof(DashboardAccessOptions)).Select(static e => e.Message));
    }

    [Fact]
    public void Errors_EmptyValueOfNullableProperty_IsNoError()
    {
        var section = Section(new() { ["Management:Port"] = string.Empty });

        Assert.Empty(CheckedBinding.Errors(section.GetSection("Management"), typeof(ManagementOptions)));
    }

    private static IConfiguration Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
