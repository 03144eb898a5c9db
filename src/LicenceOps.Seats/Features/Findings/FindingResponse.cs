using LicenceOps.Platform.Data;
using LicenceOps.Seats.Reconciliation;

namespace LicenceOps.Seats.Features.Findings;

/// <summary>A finding as the API shows it: the monthly effect in euros (decimal, to the cent) with its basis.</summary>
public sealed record FindingResponse(
    Guid Id, Guid TenantId, string Kind, string Status, string? StatusReason, DateTimeOffset? StatusChangedAt, string? StatusChangedBy,
    Guid? VendorAccountId, string? VendorCode, string? VendorName, Guid? SubscriptionId, Guid? SeatId, Guid? PersonId, string? MemberEmail,
    string Summary, string RecommendedAction, bool NeedsClient, decimal MonthlyEffectEur, string EffectBasis, DateTimeOffset FirstSeenAt,
    DateTimeOffset LastSeenAt, Guid? LastRunId, int OpenedCount, DateTimeOffset? ClosedAt)
{
    internal static FindingResponse From(FindingRow r) => new(r.Id, r.TenantId, r.Kind, r.Status, r.StatusReason, r.StatusChangedAt,
        r.StatusChangedBy, r.VendorAccountId, r.VendorCode, r.VendorName, r.SubscriptionId, r.SeatId, r.PersonId, r.MemberEmail, r.Summary,
        r.RecommendedAction, r.NeedsClient, r.MonthlyEffectCents / 100m, r.EffectBasis, r.FirstSeenAt, r.LastSeenAt, r.LastRunId, r.OpenedCount,
        r.ClosedAt);

    internal static async Task<FindingResponse?> LoadAsync(UnitOfWork uow, Guid tenantId, Guid findingId) =>
        await uow.QuerySingleOrDefaultAsync<FindingRow>(FindingRow.SelectSql + " WHERE id = @findingId AND tenant_id = @tenantId",
            new { findingId, tenantId }) is { } row
            ? From(row)
            : null;
}

internal sealed class FindingRow
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public string Kind { get; set; } = "";
    public string Status { get; set; } = "";
    public string? StatusReason { get; set; }
    public DateTimeOffset? StatusChangedAt { get; set; }
    public string? StatusChangedBy { get; set; }
    public Guid? VendorAccountId { get; set; }
    public string? VendorCode { get; set; }
    public string? VendorName { get; set; }
    public Guid? SubscriptionId { get; set; }
    public Guid? SeatId { get; set; }
    public Guid? PersonId { get; set; }
    public string? MemberEmail { get; set; }
    public string Summary { get; set; } = "";
    public string RecommendedAction { get; set; } = "";
    public bool NeedsClient { get; set; }
    public long MonthlyEffectCents { get; set; }
    public string EffectBasis { get; set; } = "";
    public DateTimeOffset FirstSeenAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public Guid? LastRunId { get; set; }
    public int OpenedCount { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>Last seen and its run as the API shows them: the account's last comparison for a finding that follows it (ADR 0055).</summary>
    public const string SelectSql = $"""
        SELECT id AS Id, tenant_id AS TenantId, kind AS Kind, status AS Status, status_reason AS StatusReason, status_changed_at AS StatusChangedAt,
               status_changed_by AS StatusChangedBy, vendor_account_id AS VendorAccountId, vendor_code AS VendorCode, vendor_name AS VendorName,
               subscription_id AS SubscriptionId, seat_id AS SeatId, person_id AS PersonId, member_email AS MemberEmail, summary AS Summary,
               recommended_action AS RecommendedAction, needs_client AS NeedsClient, monthly_effect_cents AS MonthlyEffectCents,
               effect_basis AS EffectBasis, first_seen_at AS FirstSeenAt, {FindingSightings.LastSeenAtSql} AS LastSeenAt,
               {FindingSightings.LastRunIdSql} AS LastRunId,
               opened_count AS OpenedCount, closed_at AS ClosedAt
        FROM findings
        """;
}
