using LicenceOps.Platform;
using LicenceOps.Billing.Features.Invoicing;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Billing.Features.Runs;

/// <param name="Period">The month to invoice, "2026-10".</param>
/// <param name="Issue">Also issue the drafts (default false: staff review them first).</param>
public sealed record RunRequest([property: Text(7)] string? Period, bool? Issue);

internal static class RunEndpoints
{
    public static void MapRunEndpoints(this IEndpointRouteBuilder api) =>
        api.MapPost("/billing/runs", RunAsync).RequireAuthorization(Policies.Billing)
            .WithSummary("Invoices a past month now; re-running a month changes nothing already invoiced.");

    private static async Task<Results<Ok<InvoiceRunResult>, ValidationProblem>> RunAsync(
        RunRequest request, InvoiceRunner runner, TimeProvider time, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (!BillingPeriod.TryParse(request.Period, out var period))
        {
            errors.Add("period", "period must be a month written yyyy-MM, e.g. 2026-10.");
        }
        else if (period.Value.End >= ParisCalendar.Today(time))
        {
            errors.Add("period", $"{period} is not over yet: only past months can be invoiced.");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        return TypedResults.Ok(await runner.RunAsync(period!.Value, request.Issue ?? false, ct));
    }
}
