using Dapper;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http.Paging;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;

namespace LicenceOps.UnitTests.Platform;

/// <summary>The first page's total is exact up to <see cref="Keyset{TRow}.MaxCountedTotal"/> rows and null past it.</summary>
public sealed class KeysetTotalTests
{
    private sealed record Row(long Id, string Tenant);

    private static readonly Keyset<Row> ById = new("rows", SortKey.Asc<Row>("id", r => r.Id));

    private string directory = "";
    private ModuleDatabase db = null!;

    [SetUp]
    public async Task CreateDatabase()
    {
        directory = Path.Combine(Path.GetTempPath(), "keyset-total-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        db = new ModuleDatabase("Keyset", SqlDialect.Sqlite, $"Data Source={Path.Combine(directory, "k.db")}", TimeProvider.System, new HttpContextAccessor());
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync("CREATE TABLE items (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, note TEXT NULL)");
        // One tenant right at the bound, one just past it, and one small one.
        await using var transaction = connection.BeginTransaction();
        var id = 0;
        foreach (var (tenant, count) in new[] { ("at", Keyset<Row>.MaxCountedTotal), ("past", Keyset<Row>.MaxCountedTotal + 1), ("small", 3) })
        {
            for (var i = 0; i < count; i++)
            {
                await connection.ExecuteAsync("INSERT INTO items (id, tenant) VALUES (@id, @tenant)", new { id = ++id, tenant }, transaction);
            }
        }
        await transaction.CommitAsync();
    }

    [TearDown]
    public void DeleteDatabase()
    {
        db.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [TestCase("small", 3L)]
    [TestCase("at", 1000L)]
    [TestCase("past", null)]
    public async Task The_first_page_counts_up_to_the_bound(string tenant, long? expected)
    {
        var page = await ById.ReadAsync(db, "SELECT id AS Id, tenant AS Tenant FROM items", "tenant = @tenant", new { tenant }, new PageRequest(2, null), CancellationToken.None);

        Assert.That(page.Total, Is.EqualTo(expected));
        Assert.That(page.Items, Has.Count.EqualTo(2));
        var next = await ById.ReadAsync(db, "SELECT id AS Id, tenant AS Tenant FROM items", "tenant = @tenant", new { tenant },
            new PageRequest(2, page.NextCursor), CancellationToken.None);
        Assert.That(next.Total, Is.Null, "later pages carry no total");
    }

    [TestCase("SELECT id AS Id FROM items", "FROM items")]
    [TestCase("SELECT p.id AS Id, (SELECT COUNT(*) FROM seats s WHERE s.person_id = p.id) AS Seats\n    FROM people p JOIN tenants t ON t.id = p.tenant_id",
        "FROM people p JOIN tenants t ON t.id = p.tenant_id")]
    [TestCase("SELECT 'FROM here' AS Label, id FROM items", "FROM items")]
    public void The_count_reads_from_the_lists_from_clause(string query, string from) =>
        Assert.That(Keyset<Row>.FromClause(query), Is.EqualTo(from));
}
