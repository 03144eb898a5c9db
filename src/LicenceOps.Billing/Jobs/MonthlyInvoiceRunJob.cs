using LicenceOps.Platform;
using LicenceOps.Billing.Features.Invoicing;
using LicenceOps.Billing.Features.Runs;
using LicenceOps.Platform.Jobs;
using Microsoft.Extensions.Options;

namespace LicenceOps.Billing.Jobs;

/// <summary>On the 1st at 06:00 Paris time, invoices the month that just ended.</summary>
public sealed class MonthlyInvoiceRunJob(InvoiceRunner runner, TimeProvider time, IOptions<BillingOptions> options)
{
    public const string Id = "billing:monthly-invoice-run";

    public async Task<InvoiceRunResult> RunAsync(CancellationToken ct)
    {
        using var actor = JobActor.Begin(Id);
        var period = BillingPeriod.FromDate(ParisCalendar.Today(time)).Previous();
        return await runner.RunAsync(period, options.Value.AutoIssueMonthlyRun, ct);
    }
}
