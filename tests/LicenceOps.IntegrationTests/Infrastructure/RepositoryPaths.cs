namespace LicenceOps.IntegrationTests.Infrastructure;

public static class RepositoryPaths
{
    /// <summary>The folder holding LicenceOps.sln.</summary>
    public static string Root { get; } = FindRoot();


    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "LicenceOps.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("LicenceOps.sln not found above the test binaries.");
    }
}
