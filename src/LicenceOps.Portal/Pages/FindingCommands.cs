using LicenceOps.Portal.Api;

namespace LicenceOps.Portal.Pages;

/// <summary>
/// The three decisions on a finding, shared by the client's findings page and the staff queue. The Seats API decides
/// who may take them (client admins accept and dismiss their own; only staff reclaim) and whether the finding still
/// allows it.
/// </summary>
internal static class FindingCommands
{
    public static readonly IReadOnlyList<string> Statuses = ["open", "accepted", "dismissed", "resolved", "auto_closed"];

    public static readonly IReadOnlyList<string> Kinds =
    [
        "inactive_seat", "overlapping_tools", "stale_invite", "shadow_user", "wrong_account", "missing_at_vendor", "quantity_mismatch",
        "member_count_mismatch", "setting_drift", "setting_unverified", "renewal_due", "renewal_without_decision",
        "quantity_unverified",
    ];

    public static Task<ApiResult<FindingDto>> AcceptAsync(PortalApi api, Guid tenantId, Guid findingId, CancellationToken ct) =>
        api.PostAsync<FindingDto>(ApiModule.Seats, $"api/tenants/{tenantId}/findings/{findingId}/accept", new { }, ct);

    public static Task<ApiResult<FindingDto>> DismissAsync(PortalApi api, Guid tenantId, Guid findingId, string? reason, CancellationToken ct) =>
        api.PostAsync<FindingDto>(ApiModule.Seats, $"api/tenants/{tenantId}/findings/{findingId}/dismiss", new { reason }, ct);

    public static Task<ApiResult<FindingDto>> ReclaimAsync(PortalApi api, Guid tenantId, Guid findingId, CancellationToken ct) =>
        api.PostAsync<FindingDto>(ApiModule.Seats, $"api/tenants/{tenantId}/findings/{findingId}/reclaim", new { }, ct);

    /// <summary>The list's API query: a status or kind the API would refuse is dropped rather than shown as an error page.</summary>
    public static Dictionary<string, string?> Query(string? status, string? kind, string? cursor, int limit) => new()
    {
        ["status"] = status is not null && Statuses.Contains(status) ? status : null,
        ["kind"] = kind is not null && Kinds.Contains(kind) ? kind : null,
        ["cursor"] = string.IsNullOrEmpty(cursor) ? null : cursor,
        ["limit"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>What the findings table partial needs: the rows, who may act, and the company names on the staff queue.</summary>
public sealed record FindingTable(
    IReadOnlyList<FindingDto> Items, bool CanDecide, bool CanReclaim, IReadOnlyDictionary<Guid, string>? Companies);
