using LicenceOps.Platform.Data;
using LicenceOps.Seats.Vendors;
using LicenceOps.Seats.Vendors.Csv;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LicenceOps.Seats.Features.VendorAccounts;

/// <summary>Stores the latest full member list a vendor account reported, replacing the previous one.</summary>
internal static class MemberSnapshot
{
    public const int MaxBodyBytes = 5 * 1024 * 1024;

    public static async Task ReplaceAsync(UnitOfWork uow, Guid tenantId, Guid accountId, IReadOnlyList<VendorMember> members, string source)
    {
        await uow.ExecuteAsync("DELETE FROM vendor_members WHERE vendor_account_id = @accountId AND tenant_id = @tenantId", new { accountId, tenantId });
        foreach (var m in members)
        {
            await uow.ExecuteAsync(
                """
                INSERT INTO vendor_members (vendor_account_id, email, tenant_id, external_id, display_name, role, status, joined_on, last_active_on,
                    source, read_at)
                VALUES (@accountId, @email, @tenantId, @externalId, @displayName, @role, @status, @joinedOn, @lastActiveOn, @source, @now)
                """,
                new
                {
                    accountId, email = m.Email.ToLowerInvariant(), tenantId, externalId = m.ExternalId, displayName = m.DisplayName, role = m.Role,
                    status = m.Status, joinedOn = m.JoinedOn, lastActiveOn = m.LastActiveOn, source, now = uow.Now,
                });
        }
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
