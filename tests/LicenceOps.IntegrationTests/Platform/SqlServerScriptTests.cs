using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Data;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace LicenceOps.IntegrationTests.Platform;

/// <summary>No SQL Server runs here, so every T-SQL migration is at least parsed as SQL Server 2022 would.</summary>
public sealed class SqlServerScriptTests
{
    private static IEnumerable<TestCaseData> Scripts() =>
        new[] { "src", "tests" }.SelectMany(folder => Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, folder), "*.sql", SearchOption.AllDirectories))
            .Select(path => path.Replace('\\', '/'))
            .Where(path => path.Contains("/sqlserver/", StringComparison.Ordinal) && !path.Contains("/bin/", StringComparison.Ordinal) && !path.Contains("/obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(path => new TestCaseData(Path.GetRelativePath(RepositoryPaths.Root, path)).SetName(Path.GetRelativePath(RepositoryPaths.Root, path)));

    [Test]
    public void There_are_sql_server_scripts_to_check() => Assert.That(Scripts().Count(), Is.GreaterThanOrEqualTo(2));

    [TestCaseSource(nameof(Scripts))]
    public void Parses_as_tsql(string relativePath)
    {
        var script = File.ReadAllText(Path.Combine(RepositoryPaths.Root, relativePath));
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        foreach (var batch in MigrationRunner.Batches(script, SqlDialect.SqlServer))
        {
            parser.Parse(new StringReader(batch), out var errors);
            Assert.That(errors.Select(e => $"line {e.Line}: {e.Message}"), Is.Empty, relativePath);
        }
    }
}
