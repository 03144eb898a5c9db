using LicenceOps.Platform.Data;

namespace LicenceOps.Platform.Jobs;

/// <summary>
/// The lease of a durable job table (ADR 0021): rows with <c>id</c>, <c>state</c> (queued, running, then a final state),
/// <c>lease_owner</c>, <c>lease_until</c>, <c>attempts</c>, <c>created_at</c>, <c>started_at</c>, <c>finished_at</c> and
/// <c>error</c>. The lease is measured in real time (tests move the business clock; a lease must not expire because a
/// test jumped a month), and every write of an executor is conditional on still holding it, so a job taken over by
/// another executor is never worked twice at once by accident.
/// </summary>
/// <param name="table">the job table, a constant of the module (never user input)</param>
public sealed class JobLease(string table, TimeSpan duration)
{
    private static readonly TimeProvider Clock = TimeProvider.System;

    public TimeSpan Duration => duration;

    /// <summary>Jobs waiting for an executor: queued, or running under a lease that lapsed (its process died), oldest first.</summary>
    public Task<IReadOnlyList<Guid>> ClaimableAsync(ModuleDatabase database, CancellationToken ct) =>
        database.QueryAsync<Guid>(
            $"SELECT id FROM {table} WHERE state IN ('queued', 'running') AND (lease_until IS NULL OR lease_until < @now) ORDER BY created_at, id",
            new { now = Clock.GetUtcNow() }, ct);

    /// <summary>
    /// In the caller's transaction: takes job <paramref name="id"/> for <paramref name="owner"/> if nobody holds it
    /// (counting the attempt, stamping the first start); false when another executor holds it or it is finished.
    /// </summary>
    public async Task<bool> TryClaimAsync(UnitOfWork uow, Guid id, Guid owner)
    {
        var now = Clock.GetUtcNow();
        return await uow.ExecuteAsync(
            $"""
             UPDATE {table} SET state = 'running', lease_owner = @owner, lease_until = @until, attempts = attempts + 1,
                 started_at = COALESCE(started_at, @started)
             WHERE id = @id AND state IN ('queued', 'running') AND (lease_until IS NULL OR lease_until < @now)
             """,
            new { id, owner, until = now + duration, now, started = uow.Now }) == 1;
    }

    /// <summary>In the caller's transaction: renews the lease; false when the job is no longer this executor's (stop at once).</summary>
    public async Task<bool> RenewAsync(UnitOfWork uow, Guid id, Guid owner) =>
        await uow.ExecuteAsync(
            $"UPDATE {table} SET lease_until = @until WHERE id = @id AND lease_owner = @owner AND state = 'running'",
            new { id, owner, until = Clock.GetUtcNow() + duration }) == 1;

    /// <summary>Gives the lease back without finishing (the host is stopping): the next start resumes at once.</summary>
    public Task ReleaseAsync(ModuleDatabase database, Guid id, Guid owner) =>
        database.WriteAsync(uow => uow.ExecuteAsync(
            $"UPDATE {table} SET lease_until = NULL WHERE id = @id AND lease_owner = @owner AND state = 'running'",
            new { id, owner }), CancellationToken.None);

    /// <summary>In the caller's transaction: ends the job in <paramref name="state"/>; false when it was not this executor's.</summary>
    public async Task<bool> FinishAsync(UnitOfWork uow, Guid id, Guid owner, string state, string? error) =>
        await uow.ExecuteAsync(
            $"""
             UPDATE {table} SET state = @state, finished_at = @now, error = @error, lease_owner = NULL, lease_until = NULL
             WHERE id = @id AND lease_owner = @owner AND state = 'running'
             """,
            new { id, owner, state, now = uow.Now, error = error is { Length: > 2000 } ? error[..2000] : error }) == 1;
}
