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
/// them, parameters bound by their <c>@</c>-name, audit changes bound as UTF-8; and what feat/i11hk changed: JSON rows bound from the
/// buffer they were written into (<see cref="UnitOfWork.ExecuteRowsAsync"/>). Each must read and store what the earlier path did.
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
        await connection.ExecuteAsync(
            """
            CREATE TABLE typed (path TEXT NOT NULL, n INTEGER, guid TEXT, maybe TEXT, flag INTEGER, at TEXT, day TEXT, note TEXT, big INTEGER, row_text TEXT,
                row_number INTEGER)
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
    public async Task Keyed_blobs_hand_over_each_group_key_beside_its_bytes()
    {
        // feat/i16dw: the invoice run's seat changes come as (tenant id, packed changes without the tenant id) per tenant.
        await db.WriteAsync(unit => unit.ExecuteAsync(
            "INSERT INTO items (grp, value) VALUES (1, 'a'), (1, 'zoë'), (2, NULL), (3, '名前')"));
        const string keyed = """
            SELECT CASE grp WHEN 1 THEN 'one' WHEN 2 THEN 'twö' END, CAST(json_group_array(json_array(id, value)) AS BLOB)
            FROM items GROUP BY grp ORDER BY grp
            """;
        var copied = await db.QueryAsync<(string?, byte[])>(keyed);
        var inPlace = new List<(string, byte[])>();
        await db.WriteAsync(unit => unit.ReadKeyedBlobsAsync(keyed, null,
            (key, bytes) => inPlace.Add((Encoding.UTF8.GetString(key), bytes.ToArray()))));

        Assert.That(inPlace.Select(r => r.Item1), Is.EqualTo(new[] { "one", "twö", "" }), "a NULL key hands over no bytes");
        Assert.That(inPlace.Select(r => r.Item2), Is.EqualTo(copied.Select(r => r.Item2)));
        Assert.That(Encoding.UTF8.GetString(inPlace[0].Item2), Is.EqualTo("""[[1,"a"],[2,"zoë"]]"""));
        Assert.That(db.SqlitePool!.IdleCount, Is.EqualTo(1), "the reader was closed: the connection was kept");
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

    private const string TypedRowsSql = """
        INSERT INTO typed (path, n, guid, maybe, flag, at, day, note, big, row_text, row_number)
        SELECT @path, @n, @guid, @maybe, @flag, @at, @day, @note, @big, value ->> 0, value ->> 1 FROM jsonb_each(CAST(@rows AS TEXT))
        """;

    /// <summary>
    /// feat/i16gc: an invoice run stores each PDF from a pooled buffer longer than the PDF (<see cref="UnitOfWork.ExecuteWithBlobAsync"/>).
    /// Only the PDF's bytes are stored, as a BLOB, with the other parameters bound as Dapper binds them, and the statement answers
    /// the rows it changed (the conditional insert's 0 when a copy is stored already).
    /// </summary>
    [Test]
    public async Task A_blob_bound_from_part_of_a_longer_buffer_stores_those_bytes_as_dapper_stores_their_array()
    {
        await using (var connection = await db.OpenAsync())
        {
            await connection.ExecuteAsync(
                "CREATE TABLE docs (id TEXT PRIMARY KEY, kind TEXT NOT NULL, length INTEGER NOT NULL, content BLOB NOT NULL, at TEXT NOT NULL)");
        }
        var pdf = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7 % 251)).ToArray();
        var buffer = new byte[131_072];
        buffer.AsSpan().Fill(0xEE);
        pdf.CopyTo(buffer, 0);
        var at = new DateTimeOffset(2026, 12, 3, 13, 40, 0, 123, TimeSpan.FromHours(1));
        var (copied, inPlace) = (Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7"));
        const string insert = "INSERT INTO docs (id, kind, length, content, at) VALUES (@id, @kind, @length, @content, @at) ON CONFLICT (id) DO NOTHING";
        await db.WriteAsync(async unit =>
        {
            await unit.ExecuteAsync(insert, new { id = copied, kind = "application/pdf", length = pdf.Length, content = pdf, at });
            Assert.That(await unit.ExecuteWithBlobAsync(insert, buffer.AsMemory(0, pdf.Length), "@content",
                new { id = inPlace, kind = "application/pdf", length = pdf.Length, at }), Is.EqualTo(1));
            Assert.That(await unit.ExecuteWithBlobAsync(insert, buffer.AsMemory(0, 10), "@content",
                new { id = inPlace, kind = "other", length = 10, at }), Is.Zero, "a copy is stored already: nothing changed");
        });

        const string columns = "kind, length, content, at, typeof(content), typeof(id), length(content)";
        var stored = await db.QueryAsync<(string, long, byte[], string, string, string, long)>($"SELECT {columns} FROM docs ORDER BY id");
        Assert.That(stored, Has.Count.EqualTo(2));
        Assert.That(stored[1], Is.EqualTo(stored[0]), "in place as copied");
        Assert.That(stored[1].Item3, Is.EqualTo(pdf));
        Assert.That(stored[1].Item5, Is.EqualTo("blob"));
        Assert.That(await db.QuerySingleOrDefaultAsync<string>("SELECT id FROM docs WHERE content = @pdf AND id <> @copied", new { pdf, copied }),
            Is.EqualTo("7C9E6679-7425-40DE-944B-E07FC1F90AE7"), "the id bound as the type handler stores it");
    }

    [Test]
    public async Task Json_rows_bound_from_their_buffer_store_what_dapper_stored_from_a_copy()
    {
        var at = new DateTimeOffset(2026, 12, 2, 14, 5, 6, 789, TimeSpan.FromHours(1)).AddTicks(1234);
        JsonRows Rows()
        {
            var rows = new JsonRows();
            foreach (var (text, number) in new[] { ("plain", 1L), ("zoë.ångström@exämple.fr \"quoted\" 名前", -2L), (new string('x', 20_000), long.MaxValue) })
            {
                rows.Row().Add(text).Add(number);
            }
            return rows;
        }
        var guid = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
        var day = new DateOnly(2026, 12, 2);
        await db.WriteAsync(async unit =>
        {
            // The same values through Dapper (its type handlers, the rows as an array) and in place.
            await unit.ExecuteAsync(TypedRowsSql, new
            {
                path = "copied", n = 42, guid, maybe = (Guid?)null, flag = true, at, day, note = "Zoë <seat>", big = 5_000_000_000L, rows = Rows().ToUtf8(),
            });
            Assert.That(await unit.ExecuteRowsAsync(TypedRowsSql, Rows(), new
            {
                path = "in place", n = 42, guid, maybe = (Guid?)null, flag = true, at, day, note = "Zoë <seat>", big = 5_000_000_000L,
            }), Is.EqualTo(3), "rows changed");
        });

        const string columns = "n, guid, maybe, flag, at, day, note, big, row_text, row_number, typeof(row_text), typeof(at)";
        var copiedRows = await db.QueryAsync<(long, string, string?, long, string, string, string, long, string, long, string, string)>(
            $"SELECT {columns} FROM typed WHERE path = 'copied' ORDER BY rowid");
        var inPlace = await db.QueryAsync<(long, string, string?, long, string, string, string, long, string, long, string, string)>(
            $"SELECT {columns} FROM typed WHERE path = 'in place' ORDER BY rowid");
        Assert.That(inPlace, Has.Count.EqualTo(3));
        Assert.That(inPlace, Is.EqualTo(copiedRows));
        Assert.That(inPlace[0].Item2, Is.EqualTo("0F8FAD5B-D9CB-469F-A165-70867728950E"));
        Assert.That(inPlace[0].Item5, Is.EqualTo("2026-12-02T13:05:06.7891234Z"));
    }

    [Test]
    public async Task Json_rows_run_in_the_unit_of_work_on_a_statement_kept_compiled_and_refuse_a_parameter_left_out()
    {
        static JsonRows OneRow(int i)
        {
            var rows = new JsonRows();
            rows.Row().Add("in the transaction").Add(i);
            return rows;
        }
        static object Param(string path, int i) => new
        {
            path, n = i, guid = Guid.NewGuid(), maybe = (Guid?)Guid.NewGuid(), flag = false, at = DateTimeOffset.UnixEpoch, day = DateOnly.MinValue,
            note = (string?)null, big = 0L,
        };
        var before = db.SqlitePool!.Statistics();
        await db.WriteAsync(async unit =>
        {
            for (var i = 0; i < 3; i++)
            {
                await unit.ExecuteRowsAsync(TypedRowsSql, OneRow(i), Param("committed", i));
            }
        });
        var after = db.SqlitePool!.Statistics();
        Assert.That((after.Compiled - before.Compiled, after.Reused - before.Reused), Is.EqualTo((1L, 2L)), "compiled once, then reused");

        var rolledBack = new InvalidOperationException("roll back");
        var thrown = Assert.ThrowsAsync<InvalidOperationException>(() => db.WriteAsync(async unit =>
        {
            await unit.ExecuteRowsAsync(TypedRowsSql, OneRow(9), Param("rolled back", 9));
            Assert.That(await unit.QueryAsync<long>("SELECT count(*) FROM typed WHERE path = 'rolled back'"), Is.EqualTo(new[] { 1L }));
            throw rolledBack;
        }));
        Assert.That(thrown, Is.SameAs(rolledBack));

        Assert.ThrowsAsync<InvalidOperationException>(() => db.WriteAsync(unit => unit.ExecuteRowsAsync(TypedRowsSql, OneRow(1), new { path = "missing parameters" })));
        Assert.That(await db.QueryAsync<string>("SELECT DISTINCT path FROM typed"), Is.EqualTo(new[] { "committed" }));
    }

    /// <summary>A row of <c>typed</c> as Dapper's handlers read it, for the rows stepped by position (feat/i11fx).</summary>
    public sealed class TypedRow
    {
        public string Path { get; set; } = "";
        public long? N { get; set; }
        public Guid? Guid { get; set; }
        public string? Maybe { get; set; }
        public bool? Flag { get; set; }
        public DateOnly? Day { get; set; }
        public string? Note { get; set; }
        public decimal? Big { get; set; }
        public string? RowText { get; set; }

        public override string ToString() => $"{Path}|{N}|{Guid}|{Maybe ?? "null"}|{Flag}|{Day:O}|{Note ?? "null"}|{Big}|{RowText ?? "null"}";
    }

    private const string TypedSelectSql = """
        SELECT path AS Path, n AS N, guid AS Guid, maybe AS Maybe, flag AS Flag, day AS Day, note AS Note, big AS Big, row_text AS RowText
        FROM typed WHERE path IN @paths AND path NOT IN @without ORDER BY rowid
        """;

    private static TypedRow ReadTyped(SqliteRow r) => new()
    {
        Path = r.String(0), N = r.IsNull(1) ? null : r.Int64(1), Guid = r.NullableGuid(2), Maybe = r.NullableString(3),
        Flag = r.IsNull(4) ? null : r.Flag(4), Day = r.NullableDate(5), Note = r.NullableString(6), Big = r.NullableDecimal(7), RowText = r.NullableString(8),
    };

    [Test]
    public async Task Rows_stepped_by_position_read_what_dapper_reads_by_name()
    {
        // Every value kind the read-ahead reads (feat/i11fx): GUIDs stored upper-case and lower-case, NULLs of each, texts JSON or UTF-8
        // would mangle, dates stored as dates and as instants, flags, and decimals stored as text, integer and real.
        var guid = System.Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
        await db.WriteAsync(async unit =>
        {
            const string insert = "INSERT INTO typed (path, n, guid, maybe, flag, day, note, big, row_text) VALUES (@path, @n, @guid, @maybe, @flag, @day, @note, @big, @text)";
            await unit.ExecuteAsync(insert, new { path = "a", n = 1L, guid, maybe = "x", flag = true, day = new DateOnly(2026, 2, 28), note = "zoë.o'brien+tag@exämple.fr", big = 5_000_000_000L, text = "12.34" });
            await unit.ExecuteAsync(insert, new { path = "b", n = (long?)null, guid = (Guid?)null, maybe = (string?)null, flag = (bool?)null, day = (DateOnly?)null, note = (string?)null, big = (long?)null, text = (string?)null });
            await unit.ExecuteAsync(insert, new { path = "c", n = -7L, guid = guid.ToString(), maybe = "\"quoted\" back\\slash\nnew line 名前 😀", flag = false, day = "2026-12-02T23:30:00.0000000Z", note = "", big = 0L, text = "" });
            await unit.ExecuteAsync("UPDATE typed SET big = 12.5 WHERE path = 'b'");
            await unit.ExecuteAsync("UPDATE typed SET big = '1234567890.123456789' WHERE path = 'c'");
        });
        var paths = new[] { "a", "b", "c", "d" };

        var byName = await db.WriteAsync(unit => unit.QueryAsync<TypedRow>(TypedSelectSql, new { paths, without = Array.Empty<string>() }));
        var byPosition = await db.WriteAsync(unit => unit.QueryRowsAsync(TypedSelectSql, new { paths, without = Array.Empty<string>() }, ReadTyped));

        Assert.That(byPosition.Select(r => r.ToString()), Is.EqualTo(byName.Select(r => r.ToString())));
        Assert.That(byPosition.Select(r => r.Path), Is.EqualTo(new[] { "a", "b", "c" }), "an empty NOT IN list excludes nothing");
        Assert.That(byPosition[0].Guid, Is.EqualTo(guid), "stored upper-case");
        Assert.That(byPosition[2].Guid, Is.EqualTo(guid), "stored lower-case");
        Assert.That(byPosition[2].Maybe, Is.EqualTo("\"quoted\" back\\slash\nnew line 名前 😀"));
        Assert.That(byPosition[0].Note, Is.EqualTo("zoë.o'brien+tag@exämple.fr"));
        Assert.That(byPosition[2].Day, Is.EqualTo(new DateOnly(2026, 12, 2)), "an instant's date part, as the handler reads it");
        Assert.That(byPosition[1].Big, Is.EqualTo(12.5m), "a real");
        Assert.That(await db.WriteAsync(unit => unit.QueryRowsAsync("SELECT '1234567890.123456789', 7, NULL", null,
                static r => (r.Decimal(0), r.Decimal(1), r.NullableDecimal(2)))),
            Is.EqualTo(new[] { (1234567890.123456789m, 7m, (decimal?)null) }), "a decimal stored as text keeps every digit");
        var nulls = byPosition[1];
        Assert.That(new object?[] { nulls.N, nulls.Guid, nulls.Maybe, nulls.Flag, nulls.Day, nulls.Note, nulls.RowText }, Is.All.Null, "every NULL read as null");
    }

    [Test]
    public async Task List_parameters_expand_as_dapper_expands_them_and_compile_once_per_size_class()
    {
        await db.WriteAsync(async unit =>
        {
            foreach (var path in new[] { "p1", "p2", "p3", "p4", "p5", "p6" })
            {
                await unit.ExecuteAsync("INSERT INTO typed (path, n) VALUES (@path, 1)", new { path });
            }
        });
        string Paths(IEnumerable<TypedRow> rows) => string.Join(",", rows.Select(r => r.Path));
        foreach (var (paths, without) in new (string[], string[])[]
                 {
                     ([], []), (["p1"], []), (["p1", "p2", "p3"], ["p2"]), (["p1", "p2", "p3", "p4", "p5"], ["p5", "p4"]), (["p6", "p6", "zz"], []),
                 })
        {
            var byName = await db.WriteAsync(unit => unit.QueryAsync<TypedRow>(TypedSelectSql, new { paths, without }));
            var byPosition = await db.WriteAsync(unit => unit.QueryRowsAsync(TypedSelectSql, new { paths, without }, ReadTyped));
            Assert.That(Paths(byPosition), Is.EqualTo(Paths(byName)), $"IN [{string.Join(",", paths)}] NOT IN [{string.Join(",", without)}]");
        }
        Assert.That(Paths(await db.WriteAsync(unit => unit.QueryRowsAsync(TypedSelectSql, new { paths = new[] { "p1", "p2", "p3" }, without = new[] { "p2" } }, ReadTyped))),
            Is.EqualTo("p1,p3"));

        // Three and four items are one size class: one compiled statement for both, kept by the pooled connection.
        var before = db.SqlitePool!.Statistics();
        await db.WriteAsync(async unit =>
        {
            await unit.QueryRowsAsync(TypedSelectSql, new { paths = new[] { "a", "b", "c" }, without = new[] { "x" } }, ReadTyped);
            await unit.QueryRowsAsync(TypedSelectSql, new { paths = new[] { "a", "b", "c", "d" }, without = new[] { "y" } }, ReadTyped);
        });
        var after = db.SqlitePool!.Statistics();
        Assert.That(after.Reused - before.Reused, Is.GreaterThanOrEqualTo(1L), "the second list length reused the first one's statement");

        // A name that begins another parameter's name is not expanded inside it.
        var rows = await db.WriteAsync(unit => unit.QueryRowsAsync("SELECT path FROM typed WHERE path IN @p OR path = @p2 ORDER BY path",
            new { p = new[] { "p1" }, p2 = "p6" }, static r => r.String(0)));
        Assert.That(rows, Is.EqualTo(new[] { "p1", "p6" }));
    }

    [Test]
    public async Task Rows_are_stepped_in_the_unit_of_work_and_a_parameter_left_out_is_refused()
    {
        var thrown = Assert.ThrowsAsync<InvalidOperationException>(() => db.WriteAsync(async unit =>
        {
            await unit.ExecuteAsync("INSERT INTO typed (path) VALUES ('uncommitted')");
            Assert.That(await unit.QueryRowsAsync("SELECT path FROM typed WHERE path IN @paths", new { paths = new[] { "uncommitted" } }, static r => r.String(0)),
                Is.EqualTo(new[] { "uncommitted" }), "the statement sees its transaction's own writes");
            throw new InvalidOperationException("roll back");
        }));
        Assert.That(thrown!.Message, Is.EqualTo("roll back"));
        Assert.That(await db.WriteAsync(unit => unit.QueryRowsAsync("SELECT path FROM typed", null, static r => r.String(0))), Is.Empty);
        Assert.ThrowsAsync<InvalidOperationException>(() => db.WriteAsync(unit => unit.QueryRowsAsync("SELECT path FROM typed WHERE path = @path AND n = @n",
            new { path = "x" }, static r => r.String(0))));
        Assert.That(db.SqlitePool!.IdleCount, Is.EqualTo(1), "the connection went back to the pool");
    }

    public sealed class InstantRow
    {
        public string Path { get; set; } = "";
        public DateTimeOffset? At { get; set; }
        public int? N { get; set; }
        public bool? Flag { get; set; }

        public override string ToString() => $"{Path}|{At:O}|{N}|{Flag}";
    }

    private const string InstantSelectSql = "SELECT path AS Path, at AS At, n AS N, flag AS Flag FROM typed ORDER BY rowid";

    private static InstantRow ReadInstant(SqliteRow r) => new() { Path = r.String(0), At = r.NullableInstant(1), N = r.NullableInt32(2), Flag = r.NullableFlag(3) };

    [Test]
    public async Task Instants_stepped_by_position_read_what_dapper_reads_by_name_inside_and_outside_a_transaction()
    {
        // feat/i11wf: the run's first statement and the standing read carry instants (an account's check and creation times, a
        // comparison's time): the handlers' fixed-width UTC text, read digit by digit, and any other text by the general parser.
        await db.WriteAsync(async unit =>
        {
            const string insert = "INSERT INTO typed (path, at, n, flag) VALUES (@path, @at, @n, @flag)";
            await unit.ExecuteAsync(insert, new { path = "handler", at = new DateTimeOffset(2026, 3, 29, 1, 30, 0, 123, TimeSpan.FromHours(2)).AddTicks(4567), n = 90, flag = false });
            await unit.ExecuteAsync(insert, new { path = "null", at = (DateTimeOffset?)null, n = (int?)null, flag = (bool?)null });
            await unit.ExecuteAsync(insert, new { path = "by hand", at = "2026-11-30 08:15:00", n = -1, flag = true });
            await unit.ExecuteAsync(insert, new { path = "offset", at = "2026-12-02T23:30:00+01:00", n = 0, flag = true });
            await unit.ExecuteAsync(insert, new { path = "leap", at = "2028-02-29T23:59:59.9999999Z", n = int.MaxValue, flag = false });
        });

        var byName = await db.QueryAsync<InstantRow>(InstantSelectSql);
        var outside = await db.QueryRowsAsync(InstantSelectSql, null, ReadInstant);
        var inside = await db.WriteAsync(unit => unit.QueryRowsAsync(InstantSelectSql, null, ReadInstant));

        Assert.That(outside.Select(r => r.ToString()), Is.EqualTo(byName.Select(r => r.ToString())));
        Assert.That(inside.Select(r => r.ToString()), Is.EqualTo(byName.Select(r => r.ToString())));
        Assert.That(outside.Select(r => r.At), Is.EqualTo(new DateTimeOffset?[]
        {
            new DateTimeOffset(2026, 3, 28, 23, 30, 0, 123, TimeSpan.Zero).AddTicks(4567), null, new DateTimeOffset(2026, 11, 30, 8, 15, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 12, 2, 22, 30, 0, TimeSpan.Zero), new DateTimeOffset(2028, 2, 29, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_999),
        }));
        Assert.That(outside.Select(r => r.At?.Offset), Is.All.EqualTo(TimeSpan.Zero).Or.Null, "read as UTC, as the handler reads it");
        Assert.That(db.SqlitePool!.IdleCount, Is.EqualTo(1), "the connection read outside a transaction went back to the pool");
        Assert.Throws<FormatException>(() => db.QueryRowsAsync("SELECT NULL", null, static r => r.Instant(0)).GetAwaiter().GetResult());
    }

    [Test]
    public async Task A_read_outside_a_transaction_sees_what_was_committed_and_holds_no_writer_back()
    {
        await db.WriteAsync(unit => unit.ExecuteAsync("INSERT INTO typed (path) VALUES ('committed')"));
        var seen = new List<string>();
        // A writer that commits while the read is between its rows must not wait for it: the read holds no transaction open after it.
        var rows = await db.QueryRowsAsync("SELECT path FROM typed", null, static r => r.String(0));
        await db.WriteAsync(unit => unit.ExecuteAsync("INSERT INTO typed (path) VALUES ('after')"));
        seen.AddRange(await db.QueryRowsAsync("SELECT path FROM typed ORDER BY rowid", null, static r => r.String(0)));
        Assert.That(rows, Is.EqualTo(new[] { "committed" }));
        Assert.That(seen, Is.EqualTo(new[] { "committed", "after" }));
        Assert.ThrowsAsync<InvalidOperationException>(() => db.QueryRowsAsync("SELECT path FROM typed WHERE path = @path", new { other = "x" }, static r => r.String(0)),
            "a parameter left out is refused outside a transaction too");
        Assert.That(db.SqlitePool!.IdleCount, Is.EqualTo(1));
    }

    [Test]
    public async Task Statements_bound_directly_store_what_dapper_stores()
    {
        // feat/i11wf: a reconciliation writer's run row, fingerprint and sightings are bound directly (ADR 0079's binder): the stored
        // values, and their SQLite types, must be what Dapper's handlers store, and the test seam must see the statement.
        var guid = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
        var at = new DateTimeOffset(2026, 3, 29, 1, 30, 0, 123, TimeSpan.FromHours(2)).AddTicks(4567);
        const string insert = "INSERT INTO typed (path, n, guid, maybe, flag, at, day, note, big) VALUES (@path, @n, @guid, @maybe, @flag, @at, @day, @note, @big)";
        object Values(string path) => new
        {
            path, n = 7, guid, maybe = (string?)null, flag = true, at, day = new DateOnly(2026, 2, 28), note = "zoë.o'brien+tag@exämple.fr 😀", big = 5_000_000_000L,
        };
        object Nulls(string path) => new
        {
            path, n = (int?)null, guid = (Guid?)null, maybe = (string?)null, flag = (bool?)null, at = (DateTimeOffset?)null, day = (DateOnly?)null, note = (string?)null,
            big = (long?)null,
        };
        var seen = new List<string>();
        db.BeforeStatement = (_, sql) =>
        {
            seen.Add(sql);
            return Task.CompletedTask;
        };
        var changed = await db.WriteAsync(async unit =>
        {
            await unit.ExecuteAsync(insert, Values("dapper"));
            await unit.ExecuteAsync(insert, Nulls("dapper null"));
            return await unit.ExecuteBoundAsync(insert, Values("bound")) + await unit.ExecuteBoundAsync(insert, Nulls("bound null"));
        });
        Assert.That(changed, Is.EqualTo(2), "each statement's changed rows");
        Assert.That(seen, Has.Count.EqualTo(4), "the test seam runs before a bound statement as before Dapper's");
        db.BeforeStatement = null;

        const string stored = """
            SELECT quote(n) || typeof(n) || quote(guid) || quote(maybe) || quote(flag) || typeof(flag) || quote(at) || quote(day) || quote(note) || quote(big) || typeof(big)
            FROM typed WHERE path = @path
            """;
        Assert.That(await db.QuerySingleOrDefaultAsync<string>(stored, new { path = "bound" }), Is.EqualTo(await db.QuerySingleOrDefaultAsync<string>(stored, new { path = "dapper" })));
        Assert.That(await db.QuerySingleOrDefaultAsync<string>(stored, new { path = "bound null" }),
            Is.EqualTo(await db.QuerySingleOrDefaultAsync<string>(stored, new { path = "dapper null" })));
        Assert.That(await db.QuerySingleOrDefaultAsync<string>("SELECT at || '|' || guid FROM typed WHERE path = 'bound'"),
            Is.EqualTo("2026-03-28T23:30:00.1234567Z|0F8FAD5B-D9CB-469F-A165-70867728950E"));
        Assert.That(await db.WriteAsync(unit => unit.ExecuteBoundAsync("UPDATE typed SET n = @n WHERE path LIKE @like", new { n = 1, like = "bound%" })), Is.EqualTo(2));
        Assert.ThrowsAsync<InvalidOperationException>(() => db.WriteAsync(unit => unit.ExecuteBoundAsync("UPDATE typed SET n = @n WHERE path = @path", new { n = 1 })),
            "a parameter left out is refused");
    }

    [Test]
    public async Task Savepoints_on_kept_statements_roll_back_and_release_as_the_transactions_own()
    {
        // feat/i11wf: a reconciliation writer opens and releases a savepoint per account through statements kept compiled.
        await db.WriteAsync(async unit =>
        {
            await unit.ExecuteAsync("INSERT INTO typed (path) VALUES ('before')");
            await unit.SaveAsync("account");
            await unit.ExecuteAsync("INSERT INTO typed (path) VALUES ('undone')");
            await unit.RollbackToAsync("account");
            await unit.ExecuteAsync("INSERT INTO typed (path) VALUES ('kept')");
            await unit.ReleaseAsync("account");
            await unit.SaveAsync("account");
            await unit.ExecuteAsync("INSERT INTO typed (path) VALUES ('released')");
            await unit.ReleaseAsync("account");
        });
        Assert.That(await db.QueryRowsAsync("SELECT path FROM typed ORDER BY rowid", null, static r => r.String(0)), Is.EqualTo(new[] { "before", "kept", "released" }));

        var before = db.SqlitePool!.Statistics();
        var thrown = Assert.ThrowsAsync<InvalidOperationException>(() => db.WriteAsync(async unit =>
        {
            await unit.SaveAsync("account");
            await unit.ExecuteAsync("INSERT INTO typed (path) VALUES ('rolled back with its transaction')");
            await unit.ReleaseAsync("account");
            throw new InvalidOperationException("roll back");
        }));
        Assert.That(thrown!.Message, Is.EqualTo("roll back"));
        var after = db.SqlitePool!.Statistics();
        Assert.That(after.Reused - before.Reused, Is.GreaterThanOrEqualTo(2L), "the savepoint's statements were kept compiled");
        Assert.That(await db.QueryRowsAsync("SELECT count(*) FROM typed", null, static r => r.Int64(0)), Is.EqualTo(new[] { 3L }));
        Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => db.WriteAsync(unit => unit.ReleaseAsync("never opened")), "SQLite's error, as the transaction's own");
    }
}
