using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using LicenceOps.Seats.Domain.Reports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Seats.Features.Reports;

/// <param name="From">First month, YYYY-MM (default: 11 months before <paramref name="To"/>).</param>
/// <param name="To">Last month, YYYY-MM, not after the current month (default: the current month).</param>
/// <param name="Format">json, csv or pdf; overrides the Accept header.</param>
/// <param name="Lang">fr (default) or en.</param>
public sealed record UsageReportQuery(
    [property: Text(7)][FromQuery(Name = "from")] string? From,
    [property: Text(7)][FromQuery(Name = "to")] string? To,
    [property: Text(4)][FromQuery(Name = "format")] string? Format,
    [property: Text(2)][FromQuery(Name = "lang")] string? Lang);

public sealed record UsageReportResponse(
    Guid TenantId, string Language, DateTimeOffset GeneratedAt, string From, string To, IReadOnlyList<MonthUsage> Months, UsageTrend Trend);

/// <summary>
/// GET /api/tenants/{tenantId}/reports/usage: seats, adoption, invoiced cost and savings per month, product and department
/// (rules: <see cref="UsageReportCalculator"/>, docs/reports.md), as JSON, CSV or PDF, in French or English.
/// A client reads its own company's report; staff read any; another tenant's answers 404.
/// </summary>
public static class ReadUsageReport
{
    public static void Map(IEndpointRouteBuilder tenant) =>
        tenant.MapGet("/reports/usage", HandleAsync)
            .WithSummary("Usage report per month, product and department: seats, adoption, cost as invoiced, reclaimable seats, overlaps (JSON, CSV or PDF).")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf");

    public static async Task<Results<Ok<UsageReportResponse>, FileContentHttpResult, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid tenantId, [AsParameters] UsageReportQuery query, HttpRequest request, CurrentUser user, ModuleDatabase<SeatsModule> db,
        TimeProvider time, CancellationToken ct)
    {
        if (!user.CanAccessTenant(tenantId))
        {
            return Problems.NotFound("Tenant not found.");
        }

        var today = ParisCalendar.Today(time);
        var errors = new ValidationErrors();
        var period = ReportPeriod.Parse(query.From, query.To, today, errors);
        var text = ReportText.For(query.Lang);
        if (text is null)
        {
            errors.Add("lang", "lang must be fr or en.");
        }

        var format = FormatOf(query.Format, request.Headers.Accept.ToString());
        if (format is null)
        {
            errors.Add("format", "format must be json, csv or pdf.");
        }

        if (errors.Any || period is null || text is null || format is null)
        {
            return errors.ToProblem();
        }

        var input = await UsageReportData.LoadAsync(db, tenantId, period, today, ct);
        var report = UsageReportCalculator.Compute(input, key => text[key]);
        var response = new UsageReportResponse(tenantId, text.Language, time.GetUtcNow(), report.From, report.To, report.Months, report.Trend);
        var fileName = $"usage-{report.From}-{report.To}-{text.Language}";
        return format switch
        {
            "csv" => TypedResults.File(UsageReportCsv.Write(response), "text/csv; charset=utf-8", fileName + ".csv"),
            "pdf" => TypedResults.File(UsageReportPdf.Render(response, text), "application/pdf", fileName + ".pdf"),
            _ => TypedResults.Ok(response),
        };
    }

    /// <summary>?format wins; otherwise the Accept header picks CSV or PDF; anything else is JSON.</summary>
    internal static string? FormatOf(string? format, string accept)
    {
        if (!string.IsNullOrEmpty(format))
        {
            return format.ToLowerInvariant() is "json" or "csv" or "pdf" ? format.ToLowerInvariant() : null;
        }

        return accept.Contains("text/csv", StringComparison.OrdinalIgnoreCase) ? "csv"
            : accept.Contains("application/pdf", StringComparison.OrdinalIgnoreCase) ? "pdf"
            : "json";
    }
}
