using System.Data.Common;
using System.Text.Json;
using Dapper;
using LicenceOps.Platform.Messaging;

namespace LicenceOps.Platform.Data;

/// <summary>
/// One open transaction of a module database. Business rows, outbox messages and audit entries written
/// through it commit or roll back together.
/// </summary>
public sealed class UnitOfWork
{
    internal UnitOfWork(DbConnection connection, DbTransaction transaction, SqlDialect dialect, DateTimeOffset now, Actor actor)
    {
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

    public Actor Actor { get; }

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

    public Task<int> ExecuteAsync(string sql, object? param = null) =>
        Connection.ExecuteAsync(sql, param, Transaction);

    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? param = null) =>
        (await Connection.QueryAsync<T>(sql, param, Transaction)).AsList();

    public Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? param = null) =>
        Connection.QuerySingleOrDefaultAsync<T>(sql, param, Transaction);

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
                Id = Guid.NewGuid(),
                MessageType = MessageTypeNames.Of(message.GetType()),
                Body = JsonSerializer.Serialize(message, message.GetType(), MessageTypeNames.Json),
                CreatedAt = Now,
            },
            Transaction);
        PublishedCount++;
    }

    /// <summary>Records who changed what, in this transaction.</summary>
    public Task AuditAsync(string entityType, Guid entityId, string action, object? changes = null, Guid? tenantId = null) =>
        Connection.ExecuteAsync(
            """
            INSERT INTO audit_log (id, occurred_at, actor_id, actor_display, tenant_id, entity_type, entity_id, action, changes)
            VALUES (@Id, @OccurredAt, @ActorId, @ActorDisplay, @TenantId, @EntityType, @EntityId, @Action, @Changes)
            """,
            new
            {
                Id = Guid.NewGuid(),
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
