namespace LicenceOps.Platform.Data;

/// <summary>
/// The two database engines. Module SQL stays portable; the few places where the engines differ ask
/// <see cref="SqlDialects"/> for the fragment instead of branching inline.
/// </summary>
public enum SqlDialect
{
    Sqlite,
    SqlServer,
}

public static class SqlDialects
{
    /// <summary>Folder name of the dialect's migration scripts (Sql/&lt;folder&gt;/NNN_name.sql).</summary>
    public static string ScriptFolder(this SqlDialect dialect) => dialect switch
    {
        SqlDialect.Sqlite => "sqlite",
        SqlDialect.SqlServer => "sqlserver",
        _ => throw new ArgumentOutOfRangeException(nameof(dialect)),
    };

    /// <summary>Appends a page clause to a query that already has an ORDER BY.</summary>
    public static string Page(this SqlDialect dialect, string orderedQuery, string offsetParameter, string limitParameter) => dialect switch
    {
        SqlDialect.Sqlite => $"{orderedQuery} LIMIT {limitParameter} OFFSET {offsetParameter}",
        SqlDialect.SqlServer => $"{orderedQuery} OFFSET {offsetParameter} ROWS FETCH NEXT {limitParameter} ROWS ONLY",
        _ => throw new ArgumentOutOfRangeException(nameof(dialect)),
    };

    /// <summary>Returns the first <paramref name="limitParameter"/> rows of an ordered query.</summary>
    public static string Top(this SqlDialect dialect, string orderedQuery, string limitParameter) =>
        dialect.Page(orderedQuery, "0", limitParameter);
}

public static class SqlLocks
{
    /// <summary>
    /// Table hint that makes a read inside a write transaction hold the row until commit, so two transactions that both
    /// start by reading the same row (a delete and a run writing under it) take turns instead of interleaving. SQL Server
    /// only: SQLite's BEGIN IMMEDIATE already serialises writers. Goes right after the table name in FROM.
    /// </summary>
    public static string HoldRow(this SqlDialect dialect) => dialect == SqlDialect.SqlServer ? " WITH (UPDLOCK, HOLDLOCK)" : "";
}
