using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Seats.Jobs;
using LicenceOps.Seats.Reconciliation;

namespace LicenceOps.IntegrationTests.Seats.Reconciliation;

/// <summary>
/// No SQL Server runs here, so the statements of ADR 0044 (usage stored as changes, the member list's hash, retention) are at
/// least parsed as SQL Server 2022 would, after Dapper's expansion of <c>IN @list</c>.
/// </summary>
public sealed class UsageSqlServerStatementsTests
{
    private static IEnumerable<TestCaseData> Statements() =>
        ReconciliationInputs.SqlServerStatements.Select((sql, i) => new TestCaseData(sql).SetName($"ReconciliationInputs statement {i + 1}"))
            .Append(new TestCaseData(UsageRetentionJob.SupersededSql).SetName("UsageRetentionJob superseded rows"))
            .Append(new TestCaseData(UsageRetentionJob.ReleasedSql).SetName("UsageRetentionJob released seats' rows"));

    [TestCaseSource(nameof(Statements))]
    public void Parses_as_tsql(string sql) => TSqlStatements.AssertParses(sql);
}
