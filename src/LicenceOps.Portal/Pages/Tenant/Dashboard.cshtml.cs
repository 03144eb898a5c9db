using LicenceOps.Portal.Api;
using LicenceOps.Portal.Charts;

namespace LicenceOps.Portal.Pages.Tenant;

/// <summary>
/// A company at a glance from what the modules hold today: invoiced cost per month (Billing), seats assigned versus
/// free per product, adoption and active versus inactive seats per month, possible and achieved savings (Seats).
/// </summary>
public sealed class DashboardModel : TenantPageModel
{
    /// <summary>How many invoiced months the cost chart shows.</summary>
    public const int Months = 12;

    public IReadOnlyList<SubscriptionDto> Subscriptions { get; private set; } = [];

    public IReadOnlyList<ColumnPoint> CostPerMonth { get; private set; } = [];

    public IReadOnlyList<SplitBar> SeatsPerProduct { get; private set; } = [];

    public int PeoplePresent { get; private set; }

    public int SeatsAssigned { get; private set; }

    public int SeatsCommitted { get; private set; }

    public decimal AmountDue { get; private set; }

    public int OverdueInvoices { get; private set; }

    public SubscriptionDto? NextRenewal { get; private set; }

    public UsageCharts? Usage { get; private set; }

    /// <summary>What reclaiming the seats nobody uses would save per month, from the latest month of the usage report.</summary>
    public decimal PossibleSavingPerMonth { get; private set; }

    public decimal SavedSoFar { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadTenantAsync(ct);
        Subscriptions = await Api.ListAsync<SubscriptionDto>(ApiModule.Seats, $"api/tenants/{TenantId}/subscriptions", ct);
        var people = await Api.ListAsync<PersonDto>(ApiModule.Tenants, $"api/tenants/{TenantId}/people", ct);
        var invoices = await Api.ListAsync<InvoiceDto>(ApiModule.Billing, $"api/tenants/{TenantId}/invoices", ct);

        PeoplePresent = people.Count(p => p.Status is "active" or "joining" or "leaving");
        SeatsAssigned = Subscriptions.Sum(s => s.OccupiedSeats);
        SeatsCommitted = Subscriptions.Sum(s => s.CommittedQuantity);
        NextRenewal = Subscriptions.OrderBy(s => s.RenewalDate).FirstOrDefault();
        SeatsPerProduct = Subscriptions
            .OrderBy(s => s.PlanName, StringComparer.CurrentCulture)
            .Select(s => new SplitBar(s.PlanName, s.OccupiedSeats, s.FreeSeats))
            .ToList();

        var today = Today;
        var open = invoices.Where(i => !i.IsCreditNote && i.Status is "issued" or "overdue").ToList();
        AmountDue = open.Sum(i => i.TotalInclVat);
        OverdueInvoices = open.Count(i => i.IsOverdue(today));
        CostPerMonth = CostByMonth(invoices);

        var language = System.Globalization.CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "fr" ? "fr" : "en";
        var report = await Api.GetAsync<UsageReportDto>(ApiModule.Seats, $"api/tenants/{TenantId}/reports/usage?lang={language}", ct);
        Usage = report.Months.Count == 0 ? null : UsageCharts.Of(report);
        PossibleSavingPerMonth = report.Months.Count == 0 ? 0m : report.Months[^1].Totals.MonthlySavingEur;
        SavedSoFar = (await Api.GetAsync<SavingsLedgerDto>(ApiModule.Seats, $"api/tenants/{TenantId}/reports/savings", ct)).TotalSavedEur;
    }

    /// <summary>Net invoiced amount excluding VAT per billing period: invoices minus credit notes, drafts left out.</summary>
    internal static IReadOnlyList<ColumnPoint> CostByMonth(IEnumerable<InvoiceDto> invoices) =>
        invoices
            .Where(i => !i.IsDraft)
            .GroupBy(i => i.Period)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .TakeLast(Months)
            .Select(g =>
            {
                var net = g.Sum(i => i.IsCreditNote ? -Math.Abs(i.TotalExclVat) : i.TotalExclVat);
                return new ColumnPoint(Fmt.ShortMonth(g.Key), net, Fmt.Money(net));
            })
            .ToList();
}
