using System.Globalization;
using LicenceOps.Portal.Api;
using LicenceOps.Portal.Charts;
using Microsoft.AspNetCore.Mvc;

namespace LicenceOps.Portal.Pages.Tenant;

/// <summary>
/// Where the company's AI money goes: adoption and active versus inactive seats month by month, cost per active user,
/// what reclaiming would save, what acted-on recommendations saved, and the renewals coming up with the quantity the
/// real use recommends. Figures are the Seats report's (docs/reports.md); the PDF and CSV are the same report.
/// </summary>
public sealed class UsageModel : TenantPageModel
{
    public UsageReportDto Report { get; private set; } = null!;

    public SavingsLedgerDto Savings { get; private set; } = null!;

    public IReadOnlyList<RenewalDto> Renewals { get; private set; } = [];

    public MonthUsageDto? Latest => Report.Months.Count == 0 ? null : Report.Months[^1];

    public UsageCharts Charts => UsageCharts.Of(Report);

    public IReadOnlyList<ColumnPoint> SavedPerMonth => Savings.Months
        .Select(m => new ColumnPoint(Fmt.ShortMonth(m.Month), m.SavedEur, Fmt.Money(m.SavedEur))).ToList();

    public static string Percent(decimal? rate) => UsageCharts.Percent(rate);

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadTenantAsync(ct);
        Report = await Api.GetAsync<UsageReportDto>(ApiModule.Seats, $"api/tenants/{TenantId}/reports/usage?lang={Language}", ct);
        Savings = await Api.GetAsync<SavingsLedgerDto>(ApiModule.Seats, $"api/tenants/{TenantId}/reports/savings", ct);
        Renewals = await Api.ListAsync<RenewalDto>(ApiModule.Seats, $"api/tenants/{TenantId}/renewals", ct);
    }

    /// <summary>The report as the Seats API renders it (PDF with charts, or CSV), in the page's language.</summary>
    public async Task<IActionResult> OnGetDownloadAsync(string format, CancellationToken ct)
    {
        if (format is not ("pdf" or "csv"))
        {
            return NotFound();
        }

        var file = await Api.GetFileAsync(ApiModule.Seats, $"api/tenants/{TenantId}/reports/usage?format={format}&lang={Language}", ct);
        return File(file.Content, file.ContentType, file.FileName);
    }

    private static string Language => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "fr" ? "fr" : "en";
}

/// <summary>The two usage charts (adoption, active versus inactive seats per month), shown on the dashboard and the usage page.</summary>
public sealed record UsageCharts(IReadOnlyList<ColumnPoint> AdoptionPerMonth, IReadOnlyList<SplitBar> ActivePerMonth)
{
    public static UsageCharts Of(UsageReportDto report) => new(
        report.Months.Select(m => new ColumnPoint(Fmt.ShortMonth(m.Month), (m.Totals.AdoptionRate ?? 0m) * 100m, Percent(m.Totals.AdoptionRate))).ToList(),
        report.Months.Select(m => new SplitBar(Fmt.Month(m.Month), m.Totals.Active, m.Totals.Inactive)).ToList());

    public static string Percent(decimal? rate) => rate is { } r ? r.ToString("P0", CultureInfo.CurrentCulture) : "—";
}
