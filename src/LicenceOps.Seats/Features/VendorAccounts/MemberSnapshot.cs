using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LicenceOps.Platform.Data;
using LicenceOps.Seats.Shared;
using LicenceOps.Seats.Vendors;
using LicenceOps.Seats.Vendors.Csv;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LicenceOps.Seats.Features.VendorAccounts;

/// <summary>Stores the latest full member list a vendor account reported, replacing the previous one.</summary>
internal static class MemberSnapshot
{
    public const int MaxBodyBytes = 5 * 1024 * 1024;

    /// <summary>
    /// Replaces the account's member list with <paramref name="members"/>, writing only what changed (a reconciliation
    /// rereads the same list every hour). When the whole list was read is kept once, on the account
    /// (<c>vendor_accounts.members_read_at</c>); a member row's read_at says when that row last changed.
    /// </summary>
    public static async Task ReplaceAsync(UnitOfWork uow, Guid tenantId, Guid accountId, IReadOnlyList<VendorMember> members, string source) =>
        await ReplaceAsync(uow, tenantId, accountId, members, source,
            await uow.QueryAsync<StoredMember>(StoredSelectSql + " WHERE vendor_account_id = @accountId AND tenant_id = @tenantId", new { accountId, tenantId }));

    /// <summary>The stored member rows a replacement compares with; <c>VendorAccountId</c> lets a batch read several accounts at once.</summary>
    public const string StoredSelectSql = """
        SELECT vendor_account_id AS VendorAccountId, tenant_id AS TenantId, email AS Email, external_id AS ExternalId, display_name AS DisplayName,
               role AS Role, status AS Status, joined_on AS JoinedOn, last_active_on AS LastActiveOn, source AS Source
        FROM vendor_members
        """;

    /// <summary>As above with the account's stored rows already read (a reconciliation batch reads them for all its accounts in one query).</summary>
    public static async Task ReplaceAsync(
        UnitOfWork uow, Guid tenantId, Guid accountId, IReadOnlyList<VendorMember> members, string source, IReadOnlyList<StoredMember> storedRows)
    {
        var stored = storedRows.ToDictionary(m => m.Email);
        var latest = Latest(members);
        var stale = stored.Values.Where(m => !latest.TryGetValue(m.Email, out var now) || !m.Same(now, source)).Select(m => m.Email).ToList();
        foreach (var chunk in stale.Chunk(500))
        {
            await uow.ExecuteAsync("DELETE FROM vendor_members WHERE vendor_account_id = @accountId AND email IN @emails", new { accountId, emails = chunk });
        }
        // The hash of what the rows now hold, in the same transaction as the rows (ADR 0044): see HashOf.
        await uow.ExecuteAsync("UPDATE vendor_accounts SET members_read_at = @now, members_hash = @hash WHERE id = @accountId",
            new { accountId, now = uow.Now, hash = HashOf(latest, source) });
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
                FROM json_each(@rows)
                """, new { rows = rows.ToJson(), accountId, tenantId, source, now = uow.Now });
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

    /// <summary>
    /// A hash of exactly what <see cref="ReplaceAsync(UnitOfWork, Guid, Guid, IReadOnlyList{VendorMember}, string, IReadOnlyList{StoredMember})"/>
    /// stores for <paramref name="members"/> read through <paramref name="source"/>: every stored field of every row, by address.
    /// Kept on the account (<c>vendor_accounts.members_hash</c>) by that method, the only writer of the rows, so a reading with
    /// the same hash needs neither reading the rows nor writing them (ADR 0044).
    /// </summary>
    public static string HashOf(IReadOnlyList<VendorMember> members, string source) => HashOf(Latest(members), source);

    private static string HashOf(Dictionary<string, VendorMember> latest, string source)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var text = new StringBuilder(4096);
        void Field(string? value) =>
            // Length-prefixed, so no value passes for two and null differs from "".
            text.Append(value is null ? "-1" : value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append('|');
        string? Day(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Field(source);
        foreach (var (email, m) in latest.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Field(email);
            Field(m.ExternalId);
            Field(m.DisplayName);
            Field(m.Role);
            Field(m.Status);
            Field(Day(m.JoinedOn));
            Field(Day(m.LastActiveOn));
            if (text.Length > 4096)
            {
                hash.AppendData(Encoding.UTF8.GetBytes(text.ToString()));
                text.Clear();
            }
        }
        hash.AppendData(Encoding.UTF8.GetBytes(text.ToString()));
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>
    /// A reading whose hash equals the stored one (<see cref="HashOf(IReadOnlyList{VendorMember}, string)"/>): the rows already
    /// hold it, only when the whole list was read moves.
    /// </summary>
    public static Task TouchAsync(UnitOfWork uow, Guid accountId) =>
        uow.ExecuteAsync("UPDATE vendor_accounts SET members_read_at = @now WHERE id = @accountId", new { accountId, now = uow.Now });

    internal sealed class StoredMember
    {
        public Guid VendorAccountId { get; set; }
        public Guid TenantId { get; set; }
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
