using LicenceOps.Platform.Data;
using LicenceOps.Seats.Domain.Reports;
using LicenceOps.Seats.Reconciliation;

namespace LicenceOps.Seats.Features.Reports;

/// <summary>The I/O edge of the usage report: reads one tenant's rows for a period, nothing else (the calculator is pure).</summary>
public static class UsageReportData
{
    /// <summary>
    /// Products that do the same job, a general AI assistant: a person holding two of them is an overlap. Midjourney
    /// (images) is not one of them.
    /// </summary>
    public static readonly IReadOnlySet<string> Assistants = new HashSet<string>(StringComparer.Ordinal)
    {
        "ChatGPT", "Claude", "Microsoft 365 Copilot", "Gemini for Google Workspace", "Perplexity",
    };

    public static async Task<UsageReportInput> LoadAsync(ModuleDatabase db, Guid tenantId, ReportPeriod period, DateOnly today, CancellationToken ct)
    {
        var window = new { tenantId, from = period.Start, to = period.End };
        var subscriptions = await db.QueryAsync<SubscriptionInfo>(
            """
            SELECT s.id AS Id, p.product_name AS Product, p.vendor_name AS Vendor
            FROM subscriptions s JOIN catalogue_plans p ON p.code = s.plan_code
            WHERE s.tenant_id = @tenantId
            """, window, ct);
        var versions = await db.QueryAsync<VersionRow>(
            """
            SELECT subscription_id AS SubscriptionId, effective_date AS EffectiveDate, new_quantity AS Quantity
            FROM subscription_changes WHERE tenant_id = @tenantId ORDER BY effective_date, seq
            """, window, ct);
        var seats = await db.QueryAsync<ReportSeat>(
            """
            SELECT id AS Id, subscription_id AS SubscriptionId, person_id AS PersonId, assigned_on AS AssignedOn, released_on AS ReleasedOn
            FROM seats
            WHERE tenant_id = @tenantId AND assigned_on <= @to AND (released_on IS NULL OR released_on >= @from)
            """, window, ct);
        var people = await db.QueryAsync<ReportPerson>(
            "SELECT person_id AS Id, display_name AS DisplayName, department_id AS DepartmentId FROM people WHERE tenant_id = @tenantId",
            window, ct);
        // A day of activity is a distinct last-activity date the usage states saw (reconciliation, docs/reconciliation.md). They are
        // stored as one sheet per subscription and day, written when a seat's values change (ADR 0044, ADR 0056): every new
        // last-activity date is in the sheet of the day it was first seen and carried by the later ones, so the set is the one a
        // row per seat per day gave. A state is never older than the activity it reports, so only sheets dated on or after the
        // period's start can hold a date in it.
        // The sheets are streamed one by one and only their pairs in the period kept: on SQLite as the UTF-8 bytes stored.
        const string sheetsInPeriod = "FROM seat_usage_sheets WHERE tenant_id = @tenantId AND day >= @from";
        var days = new HashSet<(Guid Seat, DateOnly Day)>();
        if (db.Dialect == SqlDialect.Sqlite)
        {
            await foreach (var sheet in db.StreamAsync<byte[]>($"SELECT CAST(seats AS BLOB) {sheetsInPeriod}", window, ct))
            {
                UsageSheets.AddActivity(sheet, period.Start, period.End, days);
            }
        }
        else
        {
            await foreach (var sheet in db.StreamAsync<string>($"SELECT seats {sheetsInPeriod}", window, ct))
            {
                UsageSheets.AddActivity(sheet, period.Start, period.End, days);
            }
        }
        var activity = days.Select(d => new SeatActivity(d.Seat, d.Day)).ToList();
        var invoiced = await db.QueryAsync<InvoicedAmount>(
            """
            SELECT subscription_id AS SubscriptionId, period_start AS PeriodStart, period_end AS PeriodEnd, net_amount_eur AS NetAmountEur
            FROM invoiced_lines
            WHERE tenant_id = @tenantId AND period_end >= @from AND period_start <= @to
            """, window, ct);

        var departments = await db.QueryAsync<DepartmentName>(
            "SELECT department_id AS Id, name AS Name FROM known_departments WHERE tenant_id = @tenantId", window, ct);

        var byVersion = versions.ToLookup(v => v.SubscriptionId);
        var reportSubscriptions = subscriptions
            .Select(s => new ReportSubscription(s.Id, s.Product, s.Vendor,
                byVersion[s.Id].Select(v => new QuantityVersion(v.EffectiveDate, v.Quantity)).ToList()))
            .ToList();
        return new UsageReportInput(period.Start, period.End, today, reportSubscriptions, seats, people, activity, invoiced,
            departments.ToDictionary(d => d.Id, d => d.Name), Assistants);
    }

    private sealed record SubscriptionInfo(Guid Id, string Product, string Vendor);

    private sealed record DepartmentName(Guid Id, string Name);

    private sealed record VersionRow(Guid SubscriptionId, DateOnly EffectiveDate, int Quantity);
}
