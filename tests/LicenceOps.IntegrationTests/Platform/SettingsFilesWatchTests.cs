using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Identity;
using Microsoft.Extensions.Configuration;

namespace LicenceOps.IntegrationTests.Platform;

/// <summary>
/// The host reads its settings files at start and does not watch its content root for changes unless the operator asks:
/// the embedded default keeps its SQLite files under that root, and .NET's watch woke on every write SQLite made
/// (LicenceOpsApplication.WithoutConfigurationWatch).
/// </summary>
public sealed class SettingsFilesWatchTests
{
    [Test]
    public async Task Settings_files_are_read_once_by_default()
    {
        var files = await SettingsFilesOfAHostWith(new Dictionary<string, string?>());

        Assert.That(files, Is.Not.Empty, "appsettings.json and appsettings.<Environment>.json are still read");
        Assert.That(files.Select(f => f.Source.ReloadOnChange), Has.All.False,
            "no settings file is watched, so no file-system watcher runs over the content root and its ./data");
    }

    [Test]
    public async Task An_operator_who_asks_for_live_settings_gets_them()
    {
        var files = await SettingsFilesOfAHostWith(new Dictionary<string, string?> { ["hostBuilder:reloadConfigOnChange"] = "true" });

        Assert.That(files, Is.Not.Empty);
        Assert.That(files.Select(f => f.Source.ReloadOnChange), Has.All.True);
    }

    private static async Task<List<FileConfigurationProvider>> SettingsFilesOfAHostWith(IDictionary<string, string?> settings)
    {
        var dataDirectory = LicenceOpsFactory.NewDataDirectory();
        try
        {
            await using var host = await RunningHost.StartAsync([new IdentityModule()], dataDirectory, settings);
            var configuration = (IConfigurationRoot)host.App.Configuration;
            return [.. configuration.Providers.OfType<FileConfigurationProvider>()];
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
