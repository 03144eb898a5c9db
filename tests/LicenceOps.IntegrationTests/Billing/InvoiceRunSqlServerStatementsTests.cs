using LicenceOps.Billing.Features.Invoices;
using LicenceOps.Billing.Features.Runs;
using LicenceOps.IntegrationTests.Infrastructure;

namespace LicenceOps.IntegrationTests.Billing;

/// <summary>
/// No SQL Server runs here, so the statements the set-based invoice run batch (ADR 0042) sends to SQL Server are at least
/// parsed as SQL Server 2022 would, after Dapper's expansion of <c>IN @list</c> into <c>IN (@list1, @list2)</c>.
/// </summary>
public sealed class InvoiceRunSqlServerStatementsTests
{
    private static IEnumerable<TestCaseData> Statements() =>
        new (string Owner, IReadOnlyList<string> Sql)[]
            {
                (nameof(DraftInputs), DraftInputs.SqlServerStatements), (nameof(InvoiceRunner), InvoiceRunner.SqlServerStatements),
                (nameof(InvoiceRuns), InvoiceRuns.SqlServerStatements), (nameof(InvoiceIssuer), InvoiceIssuer.SqlServerStatements),
                (nameof(InvoiceLineWriter), InvoiceLineWriter.SqlServerStatements),
            }
            .SelectMany(owner => owner.Sql.Select((sql, i) => new TestCaseData(sql).SetName($"{owner.Owner} statement {i + 1}")));

    [TestCaseSource(nameof(Statements))]
    public void Parses_as_tsql(string sql) => TSqlStatements.AssertParses(sql);
}
