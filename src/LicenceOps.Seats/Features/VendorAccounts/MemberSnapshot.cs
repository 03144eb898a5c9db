using System.Globalization;
using System.Text;
using LicenceOps.Platform.Data;
using LicenceOps.Seats.Shared;
using LicenceOps.Seats.Vendors;
using LicenceOps.Seats.Vendors.Csv;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LicenceOps.Seats.Features.VendorAccounts;

/// <summary>
/// Stores the latest full member list of a CSV-connected vendor account (an imported member export, or the list a take-over
/// seated), replacing the previous one: the CSV connector's reading. API connectors read their vendor on every run and keep
/// no member rows (ADR 0049).
/// </summary>
internal static class MemberSnapshot
{
    public const int MaxBodyBytes = 5 * 1024 * 1024;

    /// <summary>
    /// Replaces the account's member list with <paramref name="members"/>, writing only what changed (an export imported again
    /// mostly repeats the last one). When the whole list was read is kept once, on the account
    /// (<c>vendor_accounts.members_read_at</c>); a member row's read_at says when that row last changed.
    /// </summary>
    public static async Task ReplaceAsync(UnitOfWork uow, Guid tenantId, Guid accountId, IReadOnlyList<VendorMember> members, string source)
    {
        var storedRows = await uow.QueryAsync<StoredMember>(
            """
            SELECT email AS Email, external_id AS ExternalId, display_name AS DisplayName, role AS Role, status AS Status, joined_on AS JoinedOn,
                   last_active_on AS LastActiveOn, source AS Source
            FROM vendor_members WHERE vendor_account_id = @accountId AND tenant_id = @tenantId
            """, new { accountId, tenantId });
        var stored = storedRows.ToDictionary(m => m.Email);
        var latest = Latest(members);
        var stale = stored.Values.Where(m => !latest.TryGetValue(m.Email, out var now) || !m.Same(now, source)).Select(m => m.Email).ToList();
        foreach (var chunk in stale.Chunk(500))
        {
            await uow.ExecuteAsync("DELETE FROM vendor_members WHERE vendor_account_id = @accountId AND email IN @emails", new { accountId, emails = chunk });
        }
        await TouchAsync(uow, accountId);
        var fresh = latest.Where(p => !stored.TryGetValue(p.Key, out var old) || !old.Same(p.Value, source)).ToList();
        if (fresh.Count == 0)
        {
            return;
        }
        if (uow.Dialect == SqlDialect.Sqlite)
        {
            var rows = new JsonRows();
            foreach (var (email, m) in fresh)
            {
                rows.Row().Add(email).Add(m.ExternalId).Add(m.DisplayName).Add(m.Role).Add(m.Status).Add(m.JoinedOn).Add(m.LastActiveOn);
            }
            await uow.ExecuteAsync(
                """
                INSERT INTO vendor_members (vendor_account_id, email, tenant_id, external_id, display_name, role, status, joined_on, last_active_on,
                    source, read_at)
                SELECT @accountId, value ->> 0, @tenantId, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, @source, @now
                FROM jsonb_each(CAST(@rows AS TEXT))
                """, new { rows = rows.ToUtf8(), accountId, tenantId, source, now = uow.Now });
            return;
        }
        // SQL Server: one command executed per member (Dapper reuses it).
        await uow.ExecuteAsync(
            """
            INSERT INTO vendor_members (vendor_account_id, email, tenant_id, external_id, display_name, role, status, joined_on, last_active_on,
                source, read_at)
            VALUES (@accountId, @email, @tenantId, @externalId, @displayName, @role, @status, @joinedOn, @lastActiveOn, @source, @now)
            """,
            fresh.Select(p => new
            {
                accountId, email = p.Key, tenantId, externalId = p.Value.ExternalId, displayName = p.Value.DisplayName, role = p.Value.Role,
                status = p.Value.Status, joinedOn = p.Value.JoinedOn, lastActiveOn = p.Value.LastActiveOn, source, now = uow.Now,
            }).ToList());
    }

    /// <summary>
    /// The member list as it is stored: one row per lower-cased address, the first member the vendor listed with it.
    /// </summary>
    private static Dictionary<string, VendorMember> Latest(IReadOnlyList<VendorMember> members) =>
        members.GroupBy(m => m.Email.ToLowerInvariant()).ToDictionary(g => g.Key, g => g.First());

    /// <summary>When the account's whole member list was last read (<c>vendor_accounts.members_read_at</c>).</summary>
    public static Task TouchAsync(UnitOfWork uow, Guid accountId) =>
        uow.ExecuteAsync("UPDATE vendor_accounts SET members_read_at = @now WHERE id = @accountId", new { accountId, now = uow.Now });

    private sealed class StoredMember
    {
        public string Email { get; set; } = "";
        public string? ExternalId { get; set; }
        public string? DisplayName { get; set; }
        public string? Role { get; set; }
        public string Status { get; set; } = "";
        public DateOnly? JoinedOn { get; set; }
        public DateOnly? LastActiveOn { get; set; }
        public string Source { get; set; } = "";

        public bool Same(VendorMember m, string source) => ExternalId == m.ExternalId && DisplayName == m.DisplayName && Role == m.Role
            && Status == m.Status && JoinedOn == m.JoinedOn && LastActiveOn == m.LastActiveOn && Source == source;
    }

    /// <summary>Reads a CSV body, bounded in size; null when the request carries none.</summary>
    public static async Task<string?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength is 0 || (request.ContentLength is null && request.ContentType is null))
        {
            return null;
        }
        using var reader = new StreamReader(request.Body);
        var buffer = new char[MaxBodyBytes + 1];
        var read = await reader.ReadBlockAsync(buffer.AsMemory(), ct);
        if (read > MaxBodyBytes)
        {
            throw new BadHttpRequestException($"A member export is at most {MaxBodyBytes / 1024 / 1024} MB.", StatusCodes.Status413PayloadTooLarge);
        }
        if (read == 0)
        {
            return null;
        }
        // A spreadsheet saved as .xlsx or any other binary file is not an export to read row by row: refuse it whole.
        if (buffer.AsSpan(0, read).IndexOfAnyInRange('\0', '\b') >= 0)
        {
            throw new BadHttpRequestException("The body is not a CSV text file (it holds binary data).", StatusCodes.Status400BadRequest);
        }
        return new string(buffer, 0, read);
    }

    /// <summary>An apply refused for row errors: 422 problem+json listing every error (like the seat import), nothing stored.</summary>
    public static ProblemHttpResult RowErrorsProblem(IReadOnlyList<CsvRowError> errors) =>
        TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "The member export has errors",
            detail: $"{errors.Count} row error(s), first on row {errors[0].Row}: {errors[0].Message}. Nothing was stored; fix the file " +
                    "(a dry run lists every error) and send it again.",
            extensions: new Dictionary<string, object?> { ["errors"] = errors });

    public static VendorMemberView View(VendorMember m) => new(m.Email, m.Status, m.Role, m.DisplayName, m.JoinedOn, m.LastActiveOn);
}

public sealed record VendorMemberView(string Email, string Status, string? Role, string? DisplayName, DateOnly? JoinedOn, DateOnly? LastActiveOn);

public sealed record MemberExportResponse(bool Applied, int Members, IReadOnlyDictionary<string, int> ByStatus, IReadOnlyList<CsvRowError> Errors,
    IReadOnlyList<VendorMemberView> Rows);
