using System.Text.RegularExpressions;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace LicenceOps.IntegrationTests.Infrastructure;

/// <summary>
/// No SQL Server runs here: statements written only for SQL Server are at least parsed as SQL Server 2022 would parse them,
/// after Dapper's expansion of <c>IN @list</c> into <c>IN (@list1, @list2)</c>.
/// </summary>
public static partial class TSqlStatements
{
    public static void AssertParses(string sql)
    {
        var expanded = DapperList().Replace(sql, m => $"IN ({m.Groups[1].Value}1, {m.Groups[1].Value}2)");
        new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(expanded), out var errors);
        Assert.That(errors.Select(e => $"line {e.Line}: {e.Message}"), Is.Empty, expanded);
    }

    [GeneratedRegex(@"IN (@\w+)")]
    private static partial Regex DapperList();
}
