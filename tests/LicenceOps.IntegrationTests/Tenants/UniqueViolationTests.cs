using Dapper;
using LicenceOps.Tenants.Features;
using Microsoft.Data.Sqlite;

namespace LicenceOps.IntegrationTests.Tenants;

/// <summary>The backstop for concurrent writers that both pass an in-transaction uniqueness check.</summary>
public sealed class UniqueViolationTests
{
    [Test]
    public async Task Recognises_unique_index_and_primary_key_violations_but_not_other_constraint_failures()
    {
        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        await connection.ExecuteAsync("CREATE TABLE t (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL)");
        await connection.ExecuteAsync("INSERT INTO t (id, email, name) VALUES (1, 'a@x.fr', 'A')");

        var duplicateEmail = Assert.ThrowsAsync<SqliteException>(() => connection.ExecuteAsync("INSERT INTO t (id, email, name) VALUES (2, 'a@x.fr', 'B')"));
        var duplicateKey = Assert.ThrowsAsync<SqliteException>(() => connection.ExecuteAsync("INSERT INTO t (id, email, name) VALUES (1, 'b@x.fr', 'B')"));
        var missingName = Assert.ThrowsAsync<SqliteException>(() => connection.ExecuteAsync("INSERT INTO t (id, email, name) VALUES (3, 'c@x.fr', NULL)"));

        Assert.That(UniqueViolation.Is(duplicateEmail!), Is.True);
        Assert.That(UniqueViolation.Is(duplicateKey!), Is.True);
        Assert.That(UniqueViolation.Is(missingName!), Is.False);
    }
}
