using LicenceOps.Platform;
using LicenceOps.Billing.Features.Invoicing;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Http.Paging;
using LicenceOps.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Billing.Features.Runs;

/// <param name="Period">The month to invoice, "2026-10".</param>
/// <param name="Issue">Also issue the drafts (default false: staff review them first).</param>
public sealed record RunRequest([property: Text(7)] string? Period, bool? Issue);

/// <summary>
/// /api/billing/runs: invoice runs are background jobs. POST queues one and answers 202 with its location at once;
/// the run goes on whether or not the caller stays (and across restarts), and GET shows its progress.
/// </summary>
internal static class RunEndpoints
{
    public static void MapRunEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/billing/runs").RequireAuthorization(Policies.Billing);
        group.MapPost("/", StartAsync)
            .WithSummary("Queues the invoicing of a past month (202 with the run's location); re-running a month changes nothing already invoiced.");
        group.MapGet("/", ListAsync).WithSummary("Invoice runs, newest first, with their progress counters.");
        group.MapGet("/{runId:guid}", GetAsync)
            .WithSummary("One invoice run: queued/running/completed/failed, tenants done of total, drafted/issued counts, per-tenant failures.");
    }

    private static async Task<Results<Accepted<InvoiceRunView>, ValidationProblem, ProblemHttpResult>> StartAsync(
        RunRequest request, ModuleDatabase<BillingModule> database, InvoiceRuns runs, InvoiceRunWorker worker, TimeProvider time)
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

        // Not bound to the request's cancellation: once the request has arrived, queueing is one short transaction,
        // and a caller that hangs up right after sending still gets its run.
        var runId = await database.WriteAsync(async uow =>
        {
            var queued = await InvoiceRuns.QueueAsync(uow, period!.Value, request.Issue ?? false);
            if (queued is not null)
            {
                uow.OnCommitted(worker.Notify);
            }
            return queued;
        }, CancellationToken.None);
        if (runId is null)
        {
            var active = await runs.ActiveAsync(period!.Value, CancellationToken.None);
            return Problems.Conflict($"A run of {period} is already queued or running (/api/billing/runs/{active}); wait for it to finish.");
        }

        var view = (await runs.FindAsync(runId.Value, CancellationToken.None))!;
        return TypedResults.Accepted($"/api/billing/runs/{runId}", view);
    }

    private static async Task<Ok<Page<InvoiceRunSummary>>> ListAsync(PageRequest page, InvoiceRuns runs, CancellationToken ct) =>
        TypedResults.Ok(await runs.ListAsync(page, ct));

    private static async Task<Results<Ok<InvoiceRunView>, ProblemHttpResult>> GetAsync(Guid runId, InvoiceRuns runs, CancellationToken ct) =>
        await runs.FindAsync(runId, ct) is { } run ? TypedResults.Ok(run) : Problems.NotFound($"No invoice run {runId}.");
}
