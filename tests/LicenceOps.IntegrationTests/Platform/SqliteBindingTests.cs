using System.Text;
using System.Text.Json;
using Dapper;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Messaging;
using Microsoft.AspNetCore.Http;

namespace LicenceOps.IntegrationTests.Platform;

/// <summary>
/// What feat/i11al changed in how SQLite values cross into .NET and back (docs/performance.md): packed rows read where SQLite holds
/// them, parameters bound by their <c>@</c>-name, audit changes bound as UTF-8. Each must read and store what the earlier path did.
/// </summary>
public sealed class SqliteBindingTests
{
    private string directory = "";
    private ModuleDatabase db = null!;

    [SetUp]
    public async Task CreateDatabase()
    {
        directory = LicenceOpsFactory.NewDataDirectory();
        db = new ModuleDatabase("Binding", SqlDialect.Sqlite, $"Data Source={Path.Combine(directory, "binding.db")};Foreign Keys=True;Default Timeout=30;Pooling=True",
            TimeProvider.System, new HttpContextAccessor());
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync("PRAGMA journal_mode=WAL");
        await connection.ExecuteAsync("CREATE TABLE items (id INTEGER PRIMARY KEY, grp INTEGER NOT NULL, value TEXT)");
        await connection.ExecuteAsync(
            """
            CREATE TABLE audit_log (id TEXT PRIMARY KEY, occurred_at TEXT NOT NULL, actor_id TEXT, actor_display TEXT NOT NULL, tenant_id TEXT,
                entity_type TEXT NOT NULL, entity_id TEXT NOT NULL, action TEXT NOT NULL, changes TEXT)
            """);
    }

    [TearDown]
    public void DeleteDatabase()
    {
        db.Dispose();
        LicenceOpsFactory.DeleteQuietly(directory);
    }

    [Test]
    public async Task Blobs_handed_over_in_place_are_the_bytes_dapper_copies_out()
    {
        // Groups as the packed reads make them: empty, ASCII, non-ASCII addresses and names, a group of 20,000 rows (≈ 1 MiB).
        var rows = new List<(int Group, string? Value)> { (1, "plain"), (2, "zoë.ångström@exämple.fr"), (2, "名前 <x@例え.jp>"), (2, null) };
        rows.AddRange(Enumerable.Range(0, 20_000).Select(i => (3, (string?)$"person{i}@example.com")));
        await db.WriteAsync(async unit =>
        {
            foreach (var (group, value) in rows)
            {
                await unit.ExecuteAsync("INSERT INTO items (grp, value) VALUES (@group, @value)", new { group, value });
            }
        });
        const string packed = "SELECT CAST(json_group_array(json_array(id, value)) AS BLOB) FROM items WHERE grp IN @groups GROUP BY grp ORDER BY grp";
        var groups = new[] { 1, 2, 3, 4 };

        var copied = await db.QueryAsync<byte[]>(packed, new { groups });
        var inPlace = new List<byte[]>();
        await db.WriteAsync(unit => unit.ReadBlobsAsync(packed, new { groups }, bytes => inPlace.Add(bytes.ToArray())));

        Assert.That(inPlace, Has.Count.EqualTo(3), "a group without rows has no row");
        Assert.That(inPlace, Is.EqualTo(copied));
        Assert.That(Encoding.UTF8.GetString(inPlace[1]), Does.Contain("zoë.ångström@exämple.fr").And.Contain("名前 <x@例え.jp>").And.Contain("null"));
        Assert.That(inPlace[2], Has.Length.GreaterThan(500_000));

        // Texts, empty texts and NULL hand over their UTF-8 (NULL and empty alike: no bytes), and the connection goes back clean.
        var texts = new List<string>();
        await db.WriteAsync(unit => unit.ReadBlobsAsync("SELECT value FROM items WHERE grp = 2 UNION ALL SELECT '' ORDER BY 1", null,
            bytes => texts.Add(Encoding.UTF8.GetString(bytes))));
        Assert.That(texts, Is.EqualTo(new[] { "", "", "zoë.ångström@exämple.fr", "名前 <x@例え.jp>" }));
        Assert.That(db.SqlitePool!.IdleCount, Is.EqualTo(1), "the reader was closed: the connection was kept, not closed");
        Assert.That(db.SqlitePool!.PhysicalOpens, Is.EqualTo(1));
    }

    [Test]
    public async Task Packed_rows_read_in_place_as_they_read_copied()
    {
        await db.WriteAsync(unit => unit.ExecuteAsync("INSERT INTO items (grp, value) VALUES (1, 'a'), (1, NULL), (2, 'ü')"));
        var read = await db.WriteAsync(unit => PackedRows.QueryAsync(unit, "unused", "SELECT CAST(json_group_array(json_array(grp, value)) AS BLOB) FROM items GROUP BY grp",
            new { }, static (ref PackedRows r) => (r.Int64(), r.NullableString())));

        Assert.That(read, Is.EqualTo(new (long, string?)[] { (1, "a"), (1, null), (2, "ü") }));
    }

    [Test]
    public async Task Parameters_bind_by_name_whatever_prefix_they_were_given()
    {
        await db.WriteAsync(unit => unit.ExecuteAsync("INSERT INTO items (id, grp, value) VALUES (@id, @grp, @value)", new { id = 1, grp = 7, value = "x" }));
        // Dapper's bare names (a list of 600 expanded one name per item), and names given with a prefix by hand.
        var ids = Enumerable.Range(1, 600).ToArray();
        Assert.That(await db.QueryAsync<string>("SELECT value FROM items WHERE id IN @ids AND grp = @grp", new { ids, grp = 7 }), Is.EqualTo(new[] { "x" }));
        await using var connection = await db.OpenAsync();
        foreach (var sql in new[] { "SELECT value FROM items WHERE grp = @grp", "SELECT value FROM items WHERE grp = $grp", "SELECT value FROM items WHERE grp = :grp" })
        {
            for (var run = 0; run < 3; run++)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = sql;
                var parameter = command.CreateParameter();
                parameter.ParameterName = sql[^4..];
                parameter.Value = 7;
                command.Parameters.Add(parameter);
                Assert.That(await command.ExecuteScalarAsync(), Is.EqualTo("x"), sql);
            }
        }
        // A bare name is taken for an @-name: a statement that spells it with another prefix needs the name given with that prefix
        // (every statement of the product spells its parameters with @).
        Assert.ThrowsAsync<InvalidOperationException>(() => connection.QueryAsync<string>("SELECT value FROM items WHERE grp = $grp", new { grp = 7 }));
        Assert.That(CachedStatementCommandName("grp"), Is.EqualTo("@grp"));
        Assert.That(CachedStatementCommandName("$grp"), Is.EqualTo("$grp"));
        Assert.That(CachedStatementCommandName(""), Is.EqualTo(""));
        Assert.That(ReferenceEquals(CachedStatementCommandName("grp"), CachedStatementCommandName("grp")), Is.True, "made once");
    }

    private static string CachedStatementCommandName(string name) => CachedStatementCommand.PrefixedName(name);

    [Test]
    public async Task Audit_changes_bound_as_bytes_are_stored_as_the_text_serialized_before()
    {
        var tenant = Guid.NewGuid();
        var changes = new { accountId = tenant, note = "Zoë's <seat> & \"quotes\" — 名前", effect = 12.50m, openedFindings = new[] { new { kind = "inactive_seat" } } };
        await db.WriteAsync(async unit =>
        {
            await unit.AuditAsync("reconciliation_run", tenant, "succeeded", changes, tenant);
            await unit.AuditAsync("reconciliation_run", tenant, "confirmed");
        });

        Assert.That(await db.QueryAsync<string>("SELECT typeof(changes) FROM audit_log ORDER BY action"), Is.EqualTo(new[] { "null", "text" }));
        Assert.That(await db.QueryAsync<string>("SELECT changes FROM audit_log WHERE action = 'succeeded'"),
            Is.EqualTo(new[] { JsonSerializer.Serialize(changes, MessageTypeNames.Json) }));
    }

    [Test]
    public void A_body_serialized_into_the_scratch_buffer_is_what_the_serializer_makes_alone()
    {
        using var body = new SerializedBody();
        object[] values =
        [
            new { summary = "Zoë <zoe@exämple.fr> holds a seat & pays 12.50 €", effect = 12.50m, at = DateTimeOffset.UnixEpoch, kind = DayOfWeek.Monday },
            new { empty = Array.Empty<int>(), none = (string?)null, nested = new { quotes = "\"'\\", tab = "\t" } },
            new string('x', 10_000) + "名前",
        ];
        foreach (var value in values)
        {
            Assert.That(body.Of(value, value.GetType()).ToArray(), Is.EqualTo(JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), MessageTypeNames.Json)));
        }
    }
}
