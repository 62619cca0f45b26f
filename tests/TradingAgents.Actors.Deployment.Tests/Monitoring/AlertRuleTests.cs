using System.Diagnostics;
using TradingAgents.Actors.Tests.Manifests;

namespace TradingAgents.Actors.Tests.Monitoring;

/// <summary>
/// The alert rules pass <c>promtool check rules</c> and their promtool unit tests (which start every
/// counter absent, as OpenTelemetry emits it), and every rule links an absolute runbook.
/// </summary>
public sealed class AlertRuleTests
{
    private static readonly string Monitoring = Path.Combine(KustomizeBuild.RepositoryRoot(), "k8s", "monitoring");

    [Fact]
    public async Task Rules_PassPromtoolCheckAndUnitTests()
    {
        var check = await PromtoolAsync("check", "rules", "rules/service-discovery.rules.yaml");
        Assert.True(check.ExitCode == 0, check.Output);

        var test = await PromtoolAsync("test", "rules", "tests/service-discovery.rules.test.yaml");
        Assert.True(test.ExitCode == 0, test.Output);
        Assert.Contains("SUCCESS", test.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rules_EveryAlertHasAnAbsoluteRunbookAndTheCounterTestsStartAbsent()
    {
        var rules = await File.ReadAllLinesAsync(Path.Combine(Monitoring, "rules", "service-discovery.rules.yaml"));
        var alerts = rules.Count(l => l.TrimStart().StartsWith("- alert:", StringComparison.Ordinal));
        var runbooks = rules.Where(l => l.TrimStart().StartsWith("runbook_url:", StringComparison.Ordinal)).ToList();

        Assert.Equal(alerts, runbooks.Count);
        Assert.All(runbooks, l => Assert.StartsWith("runbook_url: \"https://", l.Trim(), StringComparison.Ordinal));

        // A counter series that starts at 0 in a test hides the first-increment case.
        var tests = await File.ReadAllLinesAsync(Path.Combine(Monitoring, "tests", "service-discovery.rules.test.yaml"));
        for (var i = 0; i < tests.Length - 1; i++)
        {
            if (tests[i].Contains("_total{", StringComparison.Ordinal))
            {
                Assert.DoesNotMatch(@"values: '0[ +x]", tests[i + 1].Trim());
            }
        }
    }

    [Theory]
    [InlineData("overlays/dev")]
    [InlineData("overlays/prod")]
    public async Task GatewayUpAlerts_MatchTheJobTheServiceMonitorProduces(string root)
    {
        var build = await KustomizeBuild.LoadAsync(root);
        var monitor = Assert.Single(build.OfType<ServiceMonitorResource>());
        var service = Assert.Single(build.OfType<k8s.Models.V1Service>(), s => NetworkPolicyModel.Matches(monitor.Spec.Selector, s.Metadata.Labels.AsReadOnly()));
        var rules = Assert.Single(build.OfType<PrometheusRuleResource>()).Spec.Groups.SelectMany(g => g.Rules).ToList();

        // Without a jobLabel (which the strict model would reject), the operator names the job after the Service.
        foreach (var alert in new[] { "GatewayTargetDown", "GatewayDown" })
        {
            Assert.Contains($"up{{job=\"{service.Metadata.Name}\"}}", Assert.Single(rules, r => r.Alert == alert).Expr, StringComparison.Ordinal);
        }
    }

    private static async Task<(int ExitCode, string Output)> PromtoolAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("promtool") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Monitoring };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("promtool did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("promtool was not found on PATH: install the Debian package 'prometheus' (.ci/run does).", e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            return (process.ExitCode, await output + await error);
        }
    }
}
