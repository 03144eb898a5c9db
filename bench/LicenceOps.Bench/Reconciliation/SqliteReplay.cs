using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace LicenceOps.Bench.Reconciliation;

/// <summary>
/// What SQLite alone costs a first run (<c>LICENCEOPS_BENCH_SQLITE_BOUND=1</c>, issue 11): the rows the measured first run
/// inserted are read back after it, and at the end of the round inserted again from those values through prepared statements on
/// one connection of the bench's own, timed on the one thread that steps them. Nothing of the product's .NET work is in the
/// figure (no planning, no texts, no JSON rows, no pool, no gate, no events): only SQLite's — the rows' B-trees, their indexes,
/// the triggers they fire (data versions), the WAL's writes at each commit — plus binding values already encoded. The
/// checkpointer's copies and the page reads of other connections are left out too (the host's checkpointer copies the replay's
/// frames on its own thread). So it is a lower bound of what any first run that stores the same rows in the same schema costs,
/// to set beside the floor's CPU: a first run under 2× its floor has, on two cores, about the floor's CPU for all its work
/// beyond fetching and parsing.
/// The seats' read is bounded the same way: the read-ahead's packed statement (<c>ReconciliationInputs</c>' form, one text per
/// subscription) stepped for every measured tenant on a fresh connection, its bytes not parsed.
/// </summary>
internal sealed class SqliteReplay
{
    /// <summary>The tables a first run inserts into (UPDATEs, of the accounts and the data versions, are left out of the bound).</summary>
    private static readonly string[] Tables =
        ["findings", "seat_usage_sheets", "reconciliation_runs", "reconciliation_fingerprints", "audit_log", "outbox_messages"];

    /// <summary>
    /// Tables in which the measured tenants have no row before their first run: reset by tenant, since a pass may delete and
    /// insert again under row ids at or below the mark (the third pass drops every fingerprint, and SQLite then numbers from 1).
    /// </summary>
    private static readonly string[] TenantTables = ["findings", "seat_usage_sheets", "reconciliation_fingerprints"];

    private readonly string path;
    private readonly string tenantsJson;
    private readonly Dictionary<string, long> marks = new();
    private readonly Dictionary<string, TableRows> captured = new();

    private SqliteReplay(string path, IEnumerable<Guid> tenantIds)
    {
        this.path = path;
        tenantsJson = System.Text.Json.JsonSerializer.Serialize(tenantIds.Select(id => id.ToString().ToUpperInvariant()));
    }

    public static bool Asked => Environment.GetEnvironmentVariable("LICENCEOPS_BENCH_SQLITE_BOUND") == "1";

    /// <summary>Before the first run: each table's last row id, so what the run inserts is the rows after it.</summary>
    public static SqliteReplay Mark(string path, IEnumerable<Guid> tenantIds)
    {
        var replay = new SqliteReplay(path, tenantIds);
        using var connection = Open(path, cacheKib: 512);
        foreach (var table in Tables)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT COALESCE(MAX(rowid), 0) FROM {table}";
            replay.marks[table] = (long)command.ExecuteScalar()!;
        }
        foreach (var table in TenantTables)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT COUNT(*) FROM {table} WHERE tenant_id IN (SELECT value FROM json_each($tenants))";
            command.Parameters.AddWithValue("$tenants", replay.tenantsJson);
            if ((long)command.ExecuteScalar()! != 0)
            {
                throw new InvalidOperationException($"the measured tenants already have rows in {table}: a reset by tenant would delete them");
            }
        }
        return replay;
    }

    /// <summary>After the first run: its rows, every column as stored (texts kept as their UTF-8 bytes, ready to bind).</summary>
    public void Capture()
    {
        using var connection = Open(path, cacheKib: 512);
        var db = connection.Handle!;
        foreach (var table in Tables)
        {
            // Every column but the INTEGER PRIMARY KEY (SQLite assigns it on insert, as it did in the run).
            var columns = new List<string>();
            using (var info = connection.CreateCommand())
            {
                info.CommandText = $"SELECT name, type, pk FROM pragma_table_info('{table}')";
                using var reader = info.ExecuteReader();
                while (reader.Read())
                {
                    if (!(reader.GetInt64(2) == 1 && reader.GetString(1).Equals("INTEGER", StringComparison.OrdinalIgnoreCase)))
                    {
                        columns.Add(reader.GetString(0));
                    }
                }
            }
            var rows = new List<Value[]>();
            Check(db, raw.sqlite3_prepare_v2(db, $"SELECT {string.Join(", ", columns)} FROM {table} WHERE rowid > {marks[table]} ORDER BY rowid", out var statement));
            using (statement)
            {
                while (raw.sqlite3_step(statement) == raw.SQLITE_ROW)
                {
                    var row = new Value[columns.Count];
                    for (var i = 0; i < row.Length; i++)
                    {
                        var type = raw.sqlite3_column_type(statement, i);
                        row[i] = type switch
                        {
                            raw.SQLITE_INTEGER => new Value(type, raw.sqlite3_column_int64(statement, i), null),
                            raw.SQLITE_FLOAT => new Value(type, BitConverter.DoubleToInt64Bits(raw.sqlite3_column_double(statement, i)), null),
                            raw.SQLITE_NULL => new Value(type, 0, null),
                            _ => new Value(type, 0, raw.sqlite3_column_blob(statement, i).ToArray()),
                        };
                    }
                    rows.Add(row);
                }
            }
            captured[table] = new TableRows(columns, rows, columns.IndexOf("tenant_id"));
        }
    }

    /// <summary>
    /// At the end of the round: the rows the measured passes inserted are deleted, and the first run's inserted again, in three
    /// groupings (each from the same state, each twice: the first of a pair meets pages the reset just freed): as the batched
    /// writer commits (20 tenants a transaction, about its 50 commits), one tenant a transaction (the per-account jobs), all in one
    /// transaction with a 64 MiB cache; then the per-account grouping again with a what-if of the storage compaction
    /// session 32 listed: every id bound as 16 bytes instead of its 36-character text, every instant as an integer instead of
    /// its 33 characters (SQLite stores what it is given in a TEXT column; no reader could read these rows as they are, and the
    /// runs' foreign key to their account, a text, is not checked for them).
    /// </summary>
    public void ReplayAndPrint(IReadOnlyList<Guid> tenantIds, TimeSpan floorCpu)
    {
        var counts = string.Join(", ", Tables.Select(t => $"{captured[t].Rows.Count:N0} {t}"));
        Console.WriteLine($"SQLite alone, the first run's inserts replayed ({counts}; prepared statements on one connection, values bound as stored, timed on the stepping thread; each twice):");
        var floorSeconds = floorCpu.TotalSeconds;
        foreach (var (label, tenantsPerTransaction, cacheKib, compact) in new[]
                 {
                     ("as the batched writer commits (20 tenants a transaction, cache 512 KiB)", 20, 512, false),
                     ("one tenant a transaction, as the per-account jobs (cache 512 KiB)", 1, 512, false),
                     ("all in one transaction, cache 64 MiB", int.MaxValue, 65536, false),
                     ("one tenant a transaction, ids as 16 bytes and instants as integers (what-if; no foreign key checked)", 1, 512, true),
                 })
        {
            var figures = new List<string>();
            for (var repeat = 0; repeat < 2; repeat++)
            {
                Reset();
                var (cpu, wall, commits) = Insert(tenantsPerTransaction, cacheKib, compact);
                figures.Add(string.Create(CultureInfo.InvariantCulture, $"{cpu:0.000} s of CPU ({wall:0.000} s, {commits} transaction(s)) = {cpu / floorSeconds:0.00}"));
            }
            Console.WriteLine($"  {label}: {string.Join("; ", figures)} of the floor's process CPU ({floorSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s)");
        }
        var (readCpu, readWall, bytes) = ReadSeats(tenantIds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  the read-ahead's seats statement for the {tenantIds.Count:N0} tenants, fresh connection (cache 512 KiB): {readCpu:0.000} s of CPU ({readWall:0.000} s), {bytes / 1048576.0:0.0} MiB of packed rows = {readCpu / floorSeconds:0.00} of the floor's process CPU"));
    }

    /// <summary>Back to the state before the first run for these tables: the passes' rows deleted, the WAL emptied (not timed).</summary>
    private void Reset()
    {
        using var connection = Open(path, cacheKib: 512);
        using (var transaction = connection.BeginTransaction())
        {
            foreach (var table in Tables)
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                // The what-if's rows hold their tenant's id as 16 bytes.
                command.CommandText = TenantTables.Contains(table)
                    ? $"DELETE FROM {table} WHERE tenant_id IN (SELECT value FROM json_each($tenants)) OR typeof(tenant_id) = 'blob'"
                    : $"DELETE FROM {table} WHERE rowid > {marks[table]}";
                command.Parameters.AddWithValue("$tenants", tenantsJson);
                try
                {
                    command.ExecuteNonQuery();
                }
                catch (SqliteException e)
                {
                    throw new InvalidOperationException($"resetting {table} in {path}: {e.Message}", e);
                }
            }
            transaction.Commit();
        }
        using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        checkpoint.ExecuteNonQuery();
    }

    // Optimised from its first call: the first grouping is not to be charged with tier-0 code.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private (double CpuSeconds, double WallSeconds, int Commits) Insert(int tenantsPerTransaction, int cacheKib, bool compact)
    {
        using var connection = Open(path, cacheKib);
        var db = connection.Handle!;
        if (compact)
        {
            Check(db, raw.sqlite3_exec(db, "PRAGMA foreign_keys = OFF"));
        }
        // The rows of each tenant together, in the order a run writes its tables; rows without a tenant (the outbox) last.
        var groups = new Dictionary<string, List<(int Table, Value[] Row)>>(StringComparer.Ordinal);
        var order = new List<string>();
        var statements = new sqlite3_stmt[Tables.Length];
        for (var t = 0; t < Tables.Length; t++)
        {
            var rows = captured[Tables[t]];
            var sql = $"INSERT INTO {Tables[t]} ({string.Join(", ", rows.Columns)}) VALUES ({string.Join(", ", rows.Columns.Select(_ => "?"))})";
            Check(db, raw.sqlite3_prepare_v2(db, sql, out statements[t]));
            foreach (var stored in rows.Rows)
            {
                var row = compact ? stored.Select(Compact).ToArray() : stored;
                var key = rows.TenantColumn >= 0 && row[rows.TenantColumn].Bytes is { } tenant ? Convert.ToHexString(tenant) : "";
                if (!groups.TryGetValue(key, out var list))
                {
                    groups[key] = list = [];
                    order.Add(key);
                }
                list.Add((t, row));
            }
        }
        if (groups.Remove("", out var untenanted))
        {
            order.Remove("");
            groups["~"] = untenanted;
            order.Add("~");
        }

        var commits = 0;
        var wall = Stopwatch.StartNew();
        var cpu = CpuClock.ThreadNanoseconds();
        for (var start = 0; start < order.Count; start += Math.Min(tenantsPerTransaction, order.Count))
        {
            Check(db, raw.sqlite3_exec(db, "BEGIN IMMEDIATE"));
            foreach (var key in order.Skip(start).Take(Math.Min(tenantsPerTransaction, order.Count)))
            {
                foreach (var (t, row) in groups[key])
                {
                    var statement = statements[t];
                    for (var i = 0; i < row.Length; i++)
                    {
                        var v = row[i];
                        Check(db, v.Type switch
                        {
                            raw.SQLITE_INTEGER => raw.sqlite3_bind_int64(statement, i + 1, v.Number),
                            raw.SQLITE_FLOAT => raw.sqlite3_bind_double(statement, i + 1, BitConverter.Int64BitsToDouble(v.Number)),
                            raw.SQLITE_NULL => raw.sqlite3_bind_null(statement, i + 1),
                            raw.SQLITE_TEXT => raw.sqlite3_bind_text(statement, i + 1, v.Bytes!),
                            _ => raw.sqlite3_bind_blob(statement, i + 1, v.Bytes!),
                        });
                    }
                    if (raw.sqlite3_step(statement) != raw.SQLITE_DONE)
                    {
                        throw new InvalidOperationException($"replay into {Tables[t]}: {raw.sqlite3_errmsg(db).utf8_to_string()}");
                    }
                    raw.sqlite3_reset(statement);
                }
            }
            Check(db, raw.sqlite3_exec(db, "COMMIT"));
            commits++;
        }
        var cpuSeconds = (CpuClock.ThreadNanoseconds() - cpu) / 1e9;
        var wallSeconds = wall.Elapsed.TotalSeconds;
        foreach (var statement in statements)
        {
            statement.Dispose();
        }
        return (cpuSeconds, wallSeconds, commits);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private (double CpuSeconds, double WallSeconds, long Bytes) ReadSeats(IReadOnlyList<Guid> tenantIds)
    {
        using var connection = Open(path, cacheKib: 512);
        var db = connection.Handle!;
        // ReconciliationInputs.PackedSeatsSql's columns and filter, by tenant (each measured tenant has one account, whose
        // subscriptions are the tenant's).
        const string sql = """
            SELECT CAST(json_group_array(json_array(st.id, st.subscription_id, st.person_id, st.person_email, st.person_name, st.status, st.assigned_on, st.vendor_member_id,
                   CASE WHEN st.status = 'invited' THEN (SELECT MAX(h.occurred_at) FROM seat_history h WHERE h.seat_id = st.id AND h.to_status = 'invited') END)) AS BLOB)
            FROM seats st
            WHERE st.tenant_id = ? AND st.status <> 'released' AND st.person_email IS NOT NULL
            GROUP BY st.subscription_id
            """;
        Check(db, raw.sqlite3_prepare_v2(db, sql, out var statement));
        var texts = tenantIds.Select(id => System.Text.Encoding.UTF8.GetBytes(id.ToString().ToUpperInvariant())).ToList();
        long bytes = 0;
        var wall = Stopwatch.StartNew();
        var cpu = CpuClock.ThreadNanoseconds();
        using (statement)
        {
            foreach (var tenant in texts)
            {
                raw.sqlite3_bind_text(statement, 1, tenant);
                while (raw.sqlite3_step(statement) == raw.SQLITE_ROW)
                {
                    bytes += raw.sqlite3_column_blob(statement, 0).Length;
                }
                raw.sqlite3_reset(statement);
            }
        }
        return ((CpuClock.ThreadNanoseconds() - cpu) / 1e9, wall.Elapsed.TotalSeconds, bytes);
    }

    /// <summary>
    /// A connection of the bench's own with the product's settings for a Seats connection (ModuleDatabase), the cache as given, and
    /// no checkpoint of its own at commit: the host's background checkpointer copies its frames, on its own thread (ADR 0037).
    /// Its temporary tables in memory: at 1,000 tenants the reset's <c>DELETE … IN (json_each)</c> failed on this connection with
    /// SQLITE_FULL and no failed system call (strace), even with no row left to delete, while the same statement passed through the
    /// product's connections; not explained (docs/performance.md, session 33). The replayed inserts use no temporary table.
    /// </summary>
    private static SqliteConnection Open(string path, int cacheKib)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -{cacheKib};";
        command.ExecuteNonQuery();
        return connection;
    }

    /// <summary>The what-if's value: a GUID's text as its 16 bytes, an instant's text (as the handlers store it) as its ticks.</summary>
    private static Value Compact(Value v)
    {
        if (v.Type != raw.SQLITE_TEXT || v.Bytes is not { Length: 36 or 33 } bytes)
        {
            return v;
        }
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        if (bytes.Length == 36 && Guid.TryParseExact(text, "D", out var id))
        {
            return new Value(raw.SQLITE_BLOB, 0, id.ToByteArray(bigEndian: true));
        }
        return bytes.Length == 33 && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            ? new Value(raw.SQLITE_INTEGER, at.UtcTicks, null)
            : v;
    }

    private static void Check(sqlite3 db, int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw new InvalidOperationException($"SQLite {rc}: {raw.sqlite3_errmsg(db).utf8_to_string()}");
        }
    }

    /// <summary>One stored value: its SQLite type, an integer or a double's bits, or a text's UTF-8 bytes or a blob.</summary>
    private readonly record struct Value(int Type, long Number, byte[]? Bytes);

    private sealed record TableRows(List<string> Columns, List<Value[]> Rows, int TenantColumn);
}
