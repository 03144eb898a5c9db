using System.Text.Json;
using System.Xml.Linq;
using LicenceOps.IntegrationTests.Infrastructure;

namespace LicenceOps.IntegrationTests.Platform;

/// <summary>
/// ADR 0060: the host caps the GC's gen-0 budget, or the invoice run's peak memory goes over its goal (garbage piles up
/// between collections now that invoice PDFs are small objects, ADR 0058). The setting must reach the host's runtimeconfig,
/// and the invoice bench must collect as the host does, or its memory figure says nothing about the host.
/// </summary>
public sealed class InvoiceRunGcSettingsTests
{
    private const string Gen0MaxBudget = "System.GC.Gen0MaxBudget";

    [Test]
    public void The_host_runtimeconfig_caps_the_gen0_budget_at_16_MiB_under_server_gc()
    {
        // Copied next to the tests from the host's build output (the tests reference the host project).
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "LicenceOps.Host.runtimeconfig.json")));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.Multiple(() =>
        {
            Assert.That(properties.GetProperty(Gen0MaxBudget).GetInt64(), Is.EqualTo(16L * 1024 * 1024));
            Assert.That(properties.GetProperty("System.GC.Server").GetBoolean(), Is.True, "DATAS, which the cap bounds, is a server GC mode");
        });
    }

    [Test]
    public void The_invoice_bench_sets_the_same_runtime_options_as_the_host()
    {
        var host = RuntimeOptions(Path.Combine(RepositoryPaths.Root, "src", "LicenceOps.Host", "LicenceOps.Host.csproj"));
        var bench = RuntimeOptions(Path.Combine(RepositoryPaths.Root, "bench", "LicenceOps.Bench", "LicenceOps.Bench.csproj"));

        Assert.Multiple(() =>
        {
            Assert.That(host, Does.ContainKey(Gen0MaxBudget));
            Assert.That(bench, Is.EquivalentTo(host));
        });
    }

    private static Dictionary<string, string> RuntimeOptions(string project) =>
        XDocument.Load(project).Descendants("RuntimeHostConfigurationOption")
            .ToDictionary(option => option.Attribute("Include")!.Value, option => option.Attribute("Value")!.Value);
}
