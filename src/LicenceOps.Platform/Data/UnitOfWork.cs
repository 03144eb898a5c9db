using System.Data.Common;
using System.Text.Json;
using Dapper;
using LicenceOps.Platform.Messaging;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace LicenceOps.Platform.Data;

/// <summary>Reads one row's bytes (<see cref="UnitOfWork.ReadBlobsAsync"/>); they are not valid after the call.</summary>
public delegate void ReadBlob(ReadOnlySpan<byte> bytes);

/// <summary>Reads one row of <see cref="UnitOfWork.ReadKeyedBlobsAsync"/>: its first column's text and its second column's bytes, both SQLite's own.</summary>
public delegate void ReadKeyedBlob(ReadOnlySpan<byte> key, ReadOnlySpan<byte> bytes);

/// <summary>
/// One open transaction of a module database. Business rows, outbox messages and audit entries written
/// through it commit or roll back together.
/// </summary>
public sealed class UnitOfWork
{
    private readonly Func<UnitOfWork, string, Task>? beforeStatement;
    private readonly Func<string, Task>? beforeQuery;

    internal UnitOfWork(
        DbConnection connection, DbTransaction transaction, SqlDialect dialect, DateTimeOffset now, Actor actor,
        Func<UnitOfWork, string, Task>? beforeStatement = null, Func<string, Task>? beforeQuery = null)
    {
        this.beforeStatement = beforeStatement;
        this.beforeQuery = beforeQuery;
        Connection = connection;
        Transaction = transaction;
        Dialect = dialect;
        Now = now;
        Actor = actor;
    }

    public DbConnection Connection { get; }

    public DbTransaction Transaction { get; }

    public SqlDialect Dialect { get; }

    public DateTimeOffset Now { get; }

    public Actor Actor { get; private set; }

    /// <summary>
    /// What follows is audited as done by <paramref name="actor"/> until the answer is disposed (then by the actor before): one
    /// transaction may apply several callers' work, each audited under its own actor (a group commit, ADR 0065).
    /// </summary>
    public IDisposable ActingFor(Actor actor)
    {
        var before = Actor;
        Actor = actor;
        return new Acting(this, before);
    }

    private sealed class Acting(UnitOfWork unit, Actor before) : IDisposable
    {
        public void Dispose() => unit.Actor = before;
    }

    internal int PublishedCount { get; private set; }

    private List<Action>? committed;

    /// <summary>
    /// Runs <paramref name="action"/> once this transaction has committed (never on rollback), e.g. to kick a
    /// workflow that the transaction created. It may be lost with the process, so it must only speed up work that a
    /// sweep would also find in the database.
    /// </summary>
    public void OnCommitted(Action action) => (committed ??= []).Add(action);

    internal void RunCommitted()
    {
        foreach (var action in committed ?? [])
        {
            action();
        }
    }

    public async Task<int> ExecuteAsync(string sql, object? param = null)
    {
        if (beforeStatement is { } interleave)
        {
            await interleave(this, sql);
        }

        return await Connection.ExecuteAsync(sql, param, Transaction);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Save, string Release, string RollbackTo)> SavepointSql = new();

    private static (string Save, string Release, string RollbackTo) Savepoint(string name) => SavepointSql.GetOrAdd(name, static n =>
        ($"SAVEPOINT \"{n}\"", $"RELEASE SAVEPOINT \"{n}\"", $"ROLLBACK TO SAVEPOINT \"{n}\""));

    /// <summary>
    /// Opens a savepoint in this transaction. On SQLite its statement is kept compiled on the connection
    /// (<see cref="SqliteStatementCache.TakeRaw"/>) where Microsoft.Data.Sqlite's <c>SqliteTransaction.Save</c> compiles a command at
    /// every call: a reconciliation writer opens and releases one per account (docs/performance.md, feat/i11wf). The same statements
    /// as that method's; other dialects call the transaction's own.
    /// </summary>
    public Task SaveAsync(string savepoint) => Dialect == SqlDialect.Sqlite
        ? RunSqlite(Savepoint(savepoint).Save)
        : Transaction.SaveAsync(savepoint);

    /// <summary>Ends a savepoint, keeping its changes in the transaction (SQLite only: SQL Server's savepoints end with their transaction).</summary>
    public Task ReleaseAsync(string savepoint) => Dialect == SqlDialect.Sqlite
        ? RunSqlite(Savepoint(savepoint).Release)
        : throw new NotSupportedException("SQL Server has no savepoint release.");

    /// <summary>Undoes what was written since <paramref name="savepoint"/> opened; the savepoint stays open, as a transaction's own rollback to it leaves it.</summary>
    public Task RollbackToAsync(string savepoint) => Dialect == SqlDialect.Sqlite
        ? RunSqlite(Savepoint(savepoint).RollbackTo)
        : Transaction.RollbackAsync(savepoint);

    private Task RunSqlite(string sql)
    {
        SqliteRowsStatement.Execute((SqliteConnection)Connection, sql, default, null);
        return Task.CompletedTask;
    }

    /// <summary>
    /// As <see cref="ExecuteAsync"/>, the statement's parameters bound directly on SQLite (<see cref="SqliteRowsStatement"/>, ADR 0079's
    /// binder: no command, parameter objects or Dapper's per-execution work; the compiled statement kept per connection) with the
    /// texts the Dapper type handlers store. Its parameters must be GUIDs, texts, flags, integers, instants or dates, and the SQL must
    /// have no list parameter. Other dialects run it through Dapper, unchanged. For statements a writer runs per account
    /// (docs/performance.md, feat/i11wf).
    /// </summary>
    public async Task<int> ExecuteBoundAsync(string sql, object? param = null)
    {
        if (beforeStatement is { } interleave)
        {
            await interleave(this, sql);
        }
        return Dialect == SqlDialect.Sqlite
            ? SqliteRowsStatement.Execute((SqliteConnection)Connection, sql, default, param)
            : await Connection.ExecuteAsync(sql, param, Transaction);
    }

    /// <summary>
    /// Runs a SQLite statement that reads <paramref name="rows"/> as <c>@rows</c> (<c>jsonb_each(CAST(@rows AS TEXT))</c>, or a text stored
    /// with <c>CAST(@rows AS TEXT)</c>), the rows bound
    /// from the buffer they were written into (<see cref="SqliteRowsStatement"/>: no array per statement) and the other parameters from
    /// <paramref name="param"/>'s properties, as Dapper would bind them. Gives the rows' buffer back. SQLite only: on SQL Server the set
    /// writers run a statement per row.
    /// </summary>
    /// <param name="rowsName">The rows' parameter in <paramref name="sql"/> (<c>@rows</c> unless said).</param>
    public async Task<int> ExecuteRowsAsync(string sql, JsonRows rows, object? param = null, string rowsName = SqliteRowsStatement.RowsParameter)
    {
        if (Dialect != SqlDialect.Sqlite)
        {
            rows.Release();
            throw new NotSupportedException("JSON rows are read by SQLite statements only.");
        }
        try
        {
            if (beforeStatement is { } interleave)
            {
                await interleave(this, sql);
            }
            return SqliteRowsStatement.Execute((SqliteConnection)Connection, sql, rows.Complete(), param, rowsName);
        }
        finally
        {
            rows.Release();
        }
    }

    /// <summary>
    /// Runs a statement with <paramref name="blob"/> bound as <paramref name="blobName"/> from where it lies, and the other parameters from
    /// <paramref name="param"/>'s properties, as <see cref="ExecuteAsync"/> binds them. On SQLite through the connection's handle
    /// (<see cref="SqliteRowsStatement"/>; SQLite copies the bytes, so the caller may reuse them once this returns): Microsoft.Data.Sqlite
    /// binds a whole <c>byte[]</c> only, so bytes held in a longer pooled buffer needed an array of their exact length each. On other
    /// dialects that array is made here.
    /// </summary>
    public async Task<int> ExecuteWithBlobAsync(string sql, ReadOnlyMemory<byte> blob, string blobName, object? param = null)
    {
        if (beforeStatement is { } interleave)
        {
            await interleave(this, sql);
        }
        if (Dialect == SqlDialect.Sqlite)
        {
            return SqliteRowsStatement.Execute((SqliteConnection)Connection, sql, blob.Span, param, blobName);
        }
        var parameters = new DynamicParameters(param);
        parameters.Add(blobName, blob.ToArray());
        return await Connection.ExecuteAsync(sql, parameters, Transaction);
    }

    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? param = null)
    {
        if (beforeQuery is { } interleave)
        {
            await interleave(sql);
        }
        return (await Connection.QueryAsync<T>(sql, param, Transaction)).AsList();
    }

    /// <summary>
    /// The rows of <paramref name="sql"/>: on SQLite stepped through SQLitePCL on the connection's handle and each read by
    /// <paramref name="read"/> from its columns by position (<see cref="SqliteRows"/>: no command, reader or mapping by name per
    /// statement); on other dialects read by Dapper from the columns' names, as <see cref="QueryAsync{T}(string, object?)"/> does.
    /// So <paramref name="read"/> must read the columns in the order <paramref name="sql"/> selects them, under the names of
    /// <typeparamref name="T"/>'s properties. List parameters are expanded as Dapper expands them, padded with empty texts on SQLite
    /// (<see cref="SqliteRows"/>): an empty text must match no value of the column a list is compared with.
    /// </summary>
    public async Task<IReadOnlyList<T>> QueryRowsAsync<T>(string sql, object? param, ReadSqliteRow<T> read)
    {
        if (Dialect != SqlDialect.Sqlite)
        {
            return await QueryAsync<T>(sql, param);
        }
        var rows = new List<T>();
        await StepRowsAsync(sql, param, row => rows.Add(read(row)));
        return rows;
    }

    /// <summary>
    /// Each row of a SQLite query handed to <paramref name="read"/> while the statement is on it, stepped through SQLitePCL on the
    /// connection's handle in this unit's transaction (<see cref="SqliteRows"/>); its columns are SQLite's own, valid only during the
    /// call. SQLite only.
    /// </summary>
    public async Task StepRowsAsync(string sql, object? param, StepSqliteRow read)
    {
        if (Dialect != SqlDialect.Sqlite)
        {
            throw new NotSupportedException("Rows are stepped from SQLite statements only.");
        }
        if (beforeQuery is { } interleave)
        {
            await interleave(sql);
        }
        SqliteRows.Step((SqliteConnection)Connection, sql, param, read);
    }

    /// <summary>
    /// Hands the first column of each row of <paramref name="sql"/> to <paramref name="read"/> as bytes (a BLOB, or a text as its
    /// UTF-8). On SQLite the bytes are SQLite's own, valid only during the call: no array is made per row, where Microsoft.Data.Sqlite's
    /// readers (and Dapper through them) copy every BLOB into a new one. Other dialects read the column as <c>byte[]</c>.
    /// </summary>
    public async Task ReadBlobsAsync(string sql, object? param, ReadBlob read)
    {
        if (beforeQuery is { } interleave)
        {
            await interleave(sql);
        }
        if (Dialect != SqlDialect.Sqlite)
        {
            foreach (var blob in await Connection.QueryAsync<byte[]>(sql, param, Transaction))
            {
                read(blob);
            }
            return;
        }
        // The column's bytes where the statement holds them, until the next step (a NULL reads as no bytes, as an empty BLOB).
        await StepAsync(sql, param, row => read(raw.sqlite3_column_blob(row.Handle, 0)));
    }

    /// <summary>
    /// As <see cref="ReadBlobsAsync"/> on SQLite, with a key beside each row's bytes: the first column's text as UTF-8 and the second
    /// column's bytes, both where the statement holds them, valid only during the call. For packed groups of rows whose group key
    /// would otherwise be repeated in every packed row (an invoice run's seat changes by tenant, feat/i16dw). SQLite only.
    /// </summary>
    public async Task ReadKeyedBlobsAsync(string sql, object? param, ReadKeyedBlob read)
    {
        if (Dialect != SqlDialect.Sqlite)
        {
            throw new NotSupportedException("Keyed blobs are read from SQLite statements only.");
        }
        if (beforeQuery is { } interleave)
        {
            await interleave(sql);
        }
        await StepAsync(sql, param, row => read(raw.sqlite3_column_blob(row.Handle, 0), raw.sqlite3_column_blob(row.Handle, 1)));
    }

    /// <summary>Each row of a SQLite statement handed to <paramref name="row"/> while the statement is on it (its columns readable in place).</summary>
    private async Task StepAsync(string sql, object? param, Action<SqliteDataReader> row)
    {
        await using var reader = await Connection.ExecuteReaderAsync(sql, param, Transaction);
        var sqlite = (SqliteDataReader)(reader is IWrappedDataReader wrapped ? wrapped.Reader : reader);
        while (await sqlite.ReadAsync())
        {
            row(sqlite);
        }
    }

    /// <summary>
    /// Rows of two types from one statement (Dapper's multi-mapping), as <see cref="ModuleDatabase.QueryAsync{T1, T2, TResult}"/>
    /// outside a transaction: the columns from <paramref name="splitOn"/> on fill the second, null when that column is NULL.
    /// </summary>
    public async Task<IReadOnlyList<TResult>> QueryAsync<T1, T2, TResult>(string sql, Func<T1, T2, TResult> map, string splitOn, object? param = null)
    {
        if (beforeQuery is { } interleave)
        {
            await interleave(sql);
        }
        return (await Connection.QueryAsync(sql, map, param, Transaction, splitOn: splitOn)).AsList();
    }

    public async Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? param = null)
    {
        if (beforeQuery is { } interleave)
        {
            await interleave(sql);
        }
        return await Connection.QuerySingleOrDefaultAsync<T>(sql, param, Transaction);
    }

    public Task<T?> ExecuteScalarAsync<T>(string sql, object? param = null) =>
        Connection.ExecuteScalarAsync<T>(sql, param, Transaction);

    /// <summary>
    /// Latest-wins write of a read copy: runs <paramref name="updateIfNewer"/> (which must guard on the copy's own
    /// timestamp or version so an older message changes nothing), and only when it touched no row runs
    /// <paramref name="insertIfAbsent"/> (which must insert only when the key is missing). Together they make a copy
    /// converge to the newest message whatever order and duplication the messages arrive in.
    /// </summary>
    public async Task ApplyNewerAsync(string updateIfNewer, string insertIfAbsent, object param)
    {
        if (await ExecuteAsync(updateIfNewer, param) == 0)
        {
            await ExecuteAsync(insertIfAbsent, param);
        }
    }

    /// <summary>Writes the message to the outbox in this transaction; the dispatcher publishes it after commit.</summary>
    public async Task PublishAsync<T>(T message) where T : class
    {
        await Connection.ExecuteAsync(
            """
            INSERT INTO outbox_messages (id, message_type, body, created_at, attempts)
            VALUES (@Id, @MessageType, @Body, @CreatedAt, 0)
            """,
            new
            {
                Id = RowIds.New(),
                MessageType = MessageTypeNames.Of(message.GetType()),
                Body = JsonSerializer.Serialize(message, message.GetType(), MessageTypeNames.Json),
                CreatedAt = Now,
            },
            Transaction);
        PublishedCount++;
    }

    /// <summary>
    /// Writes several messages to the outbox in this transaction, in order. On SQLite it is one statement for all of them
    /// (the rows travel as one JSON array read by <c>jsonb_each</c>, see <see cref="JsonRows"/>): a statement per row costs a native round trip and a
    /// parameter lookup per value, which made a first reconciliation's thousands of events a large part of its writer's time
    /// (docs/performance.md). SQL Server executes the one-row insert per message.
    /// </summary>
    public async Task PublishManyAsync(IReadOnlyList<object> messages)
    {
        if (messages.Count == 0)
        {
            return;
        }
        if (Dialect != SqlDialect.Sqlite)
        {
            foreach (var message in messages)
            {
                await PublishAsync(message);
            }
            return;
        }
        var rows = JsonArrayOfRows(messages, static (w, m, body) =>
        {
            JsonRows.WriteGuid(w, RowIds.New());
            w.WriteStringValue(MessageTypeNames.Of(m.GetType()));
            // The body's UTF-8 bytes straight into the row, escaped there: the same text as serializing it to a string first.
            w.WriteStringValue(body.Of(m, m.GetType()));
        });
        await ExecuteRowsAsync(
            """
            INSERT INTO outbox_messages (id, message_type, body, created_at, attempts)
            SELECT value ->> 0, value ->> 1, value ->> 2, @CreatedAt, 0 FROM jsonb_each(CAST(@rows AS TEXT))
            """,
            rows, new { CreatedAt = Now });
        PublishedCount += messages.Count;
    }

    /// <summary>One entry of <see cref="AuditManyAsync"/>: the arguments of <see cref="AuditAsync"/>.</summary>
    public sealed record AuditEntry(string EntityType, Guid EntityId, string Action, object? Changes = null, Guid? TenantId = null);

    /// <summary>
    /// Records several audit entries in this transaction, in order: one statement on SQLite (as <see cref="PublishManyAsync"/>),
    /// one insert per entry on SQL Server.
    /// </summary>
    public async Task AuditManyAsync(IReadOnlyList<AuditEntry> entries)
    {
        if (entries.Count == 0)
        {
            return;
        }
        if (Dialect != SqlDialect.Sqlite)
        {
            foreach (var e in entries)
            {
                await AuditAsync(e.EntityType, e.EntityId, e.Action, e.Changes, e.TenantId);
            }
            return;
        }
        var rows = JsonArrayOfRows(entries, static (w, e, body) =>
        {
            JsonRows.WriteGuid(w, RowIds.New());
            if (e.TenantId is { } tenant)
            {
                JsonRows.WriteGuid(w, tenant);
            }
            else
            {
                w.WriteNullValue();
            }
            w.WriteStringValue(e.EntityType);
            JsonRows.WriteGuid(w, e.EntityId);
            w.WriteStringValue(e.Action);
            if (e.Changes is null)
            {
                w.WriteNullValue();
            }
            else
            {
                w.WriteStringValue(body.Of(e.Changes, e.Changes.GetType()));
            }
        });
        await ExecuteRowsAsync(
            """
            INSERT INTO audit_log (id, occurred_at, actor_id, actor_display, tenant_id, entity_type, entity_id, action, changes)
            SELECT value ->> 0, @OccurredAt, @ActorId, @ActorDisplay, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5
            FROM jsonb_each(CAST(@rows AS TEXT))
            """,
            rows, new { OccurredAt = Now, ActorId = Actor.Id, ActorDisplay = Actor.Display });
    }


    /// <summary>The rows as JSON, bound from their buffer by <see cref="ExecuteRowsAsync"/>.</summary>
    private static JsonRows JsonArrayOfRows<T>(IReadOnlyList<T> items, Action<Utf8JsonWriter, T, SerializedBody> row)
    {
        // Rented and given back once bound (JsonRows): a first reconciliation writes an outbox row per opening.
        var rows = new JsonRows(items.Count * 256);
        using var body = new SerializedBody();
        foreach (var item in items)
        {
            row(rows.Row().Writer, item, body);
        }
        return rows;
    }

    private const string InsertAuditSql = """
        INSERT INTO audit_log (id, occurred_at, actor_id, actor_display, tenant_id, entity_type, entity_id, action, changes)
        VALUES (@Id, @OccurredAt, @ActorId, @ActorDisplay, @TenantId, @EntityType, @EntityId, @Action, @Changes)
        """;

    private const string InsertAuditSqlite = """
        INSERT INTO audit_log (id, occurred_at, actor_id, actor_display, tenant_id, entity_type, entity_id, action, changes)
        VALUES (@Id, @OccurredAt, @ActorId, @ActorDisplay, @TenantId, @EntityType, @EntityId, @Action, CAST(@Changes AS TEXT))
        """;

    /// <summary>
    /// Records who changed what, in this transaction. On SQLite the changes are bound as their UTF-8 bytes and stored as TEXT
    /// (<c>CAST(@Changes AS TEXT)</c>): a string was the text twice more (UTF-16, then encoded back to UTF-8 to be bound), and a first
    /// reconciliation's run entries list every finding they opened (ADR 0057), about 6 KB each.
    /// </summary>
    public Task AuditAsync(string entityType, Guid entityId, string action, object? changes = null, Guid? tenantId = null)
    {
        var sqlite = Dialect == SqlDialect.Sqlite;
        if (sqlite && changes is not null)
        {
            // Serialized into a rented buffer and bound from it (SqliteRowsStatement): a run's entry lists its openings (ADR 0057),
            // and an array per entry was a first reconciliation's 1,000 arrays of 4–8 KiB.
            using var body = new SerializedBody();
            SqliteRowsStatement.Execute((SqliteConnection)Connection, InsertAuditSqlite, body.Of(changes, changes.GetType()),
                new { Id = RowIds.New(), OccurredAt = Now, ActorId = Actor.Id, ActorDisplay = Actor.Display, TenantId = tenantId, EntityType = entityType,
                      EntityId = entityId, Action = action }, "@Changes");
            return Task.CompletedTask;
        }
        return Connection.ExecuteAsync(sqlite ? InsertAuditSqlite : InsertAuditSql,
            new
            {
                Id = RowIds.New(),
                OccurredAt = Now,
                ActorId = Actor.Id,
                ActorDisplay = Actor.Display,
                TenantId = tenantId,
                EntityType = entityType,
                EntityId = entityId,
                Action = action,
                Changes = changes is null ? null : JsonSerializer.Serialize(changes, MessageTypeNames.Json),
            },
            Transaction);
    }
}

/// <summary>
/// A scratch buffer to serialize one value at a time into, for a JSON row that carries it as a string (an outbox message's body, an
/// audit entry's changes): <see cref="JsonSerializer.SerializeToUtf8Bytes(object?, Type, JsonSerializerOptions?)"/> made a new array of
/// every body, one per finding a first reconciliation opens. Writes what that method writes (same options, same encoder).
/// </summary>
internal sealed class SerializedBody : IDisposable
{
    private readonly JsonSerializerOptions serializer;
    private readonly PooledBufferWriter buffer = new(1024);
    private readonly Utf8JsonWriter writer;

    /// <param name="options">The serializer's options, <see cref="MessageTypeNames.Json"/> unless said (the mail queue's payloads have their own).</param>
    public SerializedBody(JsonSerializerOptions? options = null)
    {
        serializer = options ?? MessageTypeNames.Json;
        // As JsonSerializer.SerializeToUtf8Bytes makes its writer from the serializer's options.
        writer = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Encoder = serializer.Encoder,
            Indented = serializer.WriteIndented,
            MaxDepth = serializer.MaxDepth,
        });
    }

    /// <summary><paramref name="value"/> serialized with the options given; valid until the next call.</summary>
    public ReadOnlySpan<byte> Of(object value, Type type)
    {
        buffer.Clear();
        writer.Reset();
        JsonSerializer.Serialize(writer, value, type, serializer);
        writer.Flush();
        return buffer.WrittenSpan;
    }

    public void Dispose()
    {
        writer.Dispose();
        buffer.Release();
    }
}
