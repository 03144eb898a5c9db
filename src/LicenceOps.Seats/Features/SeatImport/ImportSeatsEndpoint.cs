using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using LicenceOps.Seats.Domain;
using LicenceOps.Seats.Shared;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LicenceOps.Seats.Features.SeatImport;

public sealed record ImportedSeat(int Row, string Email, string Plan, DateOnly AssignedOn, string? VendorMemberId, Guid? SeatId);

public sealed record SeatImportReport(string Mode, bool Applied, IReadOnlyList<ImportedSeat> Seats, IReadOnlyList<SeatRowError> Errors);

/// <summary>
/// POST /api/tenants/{tenantId}/seats/import?mode=dry-run|apply, body text/csv "email,plan,start_date[,vendor_member_id]":
/// a reseller taking over a client's estate records the seats that already exist, dated from when they started.
/// dry-run reports per row and writes nothing; apply writes every seat in one transaction, or nothing when any row is
/// wrong (422 with the row errors). Billing regularises the months already invoiced.
/// </summary>
internal static class ImportSeatsEndpoint
{
    public const int MaxBytes = 1024 * 1024;
    public const string DryRun = "dry-run";
    public const string Apply = "apply";

    public static void MapImportSeats(this IEndpointRouteBuilder tenant) =>
        tenant.MapPost("/seats/import", HandleAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Imports a client's existing seats from CSV (email, plan, start_date, optional vendor_member_id), dry run first.");

    private static async Task<Results<Ok<SeatImportReport>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid tenantId, string? mode, HttpRequest http, ModuleDatabase<SeatsModule> db, TimeProvider time, CancellationToken ct)
    {
        if (mode is not (DryRun or Apply))
        {
            var errors = new ValidationErrors();
            errors.Add("mode", $"mode is '{DryRun}' (report only) or '{Apply}' (all or nothing).");
            return errors.ToProblem();
        }

        if (http.ContentLength > MaxBytes)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "File too large", detail: $"Import at most {MaxBytes / 1024} KB at a time.");
        }

        using var reader = new StreamReader(http.Body, Encoding.UTF8);
        var buffer = new char[MaxBytes + 1];
        var length = await reader.ReadBlockAsync(buffer.AsMemory(), ct);
        if (length > MaxBytes)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "File too large", detail: $"Import at most {MaxBytes / 1024} KB at a time.");
        }

        var parsed = SeatCsvReader.Read(new string(buffer, 0, length));
        if (parsed.Errors.Any(e => e.Row == 1))
        {
            return RowProblem(StatusCodes.Status400BadRequest, "The file cannot be imported as it is.", parsed.Errors);
        }

        if (mode == DryRun)
        {
            await using var connection = await db.OpenAsync(ct);
            var plan = SeatImportPlanner.Plan(parsed.Rows, await ContextAsync(connection, null, tenantId, ParisCalendar.Today(time)));
            return TypedResults.Ok(Report(mode, applied: false, plan.Seats.Select(s => (s, (Guid?)null)), parsed.Errors.Concat(plan.Errors)));
        }

        return await db.WriteAsync<Results<Ok<SeatImportReport>, ValidationProblem, ProblemHttpResult>>(async uow =>
        {
            var plan = SeatImportPlanner.Plan(parsed.Rows, await ContextAsync(uow.Connection, uow.Transaction, tenantId, ParisCalendar.DateOf(uow.Now)));
            var errors = parsed.Errors.Concat(plan.Errors).OrderBy(e => e.Row).ToList();
            if (errors.Count > 0)
            {
                return RowProblem(StatusCodes.Status422UnprocessableEntity, $"{errors.Count} problem(s) in the file; nothing was imported.", errors);
            }

            var written = new List<(PlannedSeat, Guid?)>();
            foreach (var seat in plan.Seats)
            {
                var sub = (await SubscriptionLedger.FindAsync(uow, tenantId, seat.SubscriptionId))!;
                SeatAllocation.TryParsePolicy(sub.AutoIncreasePolicy, out var policy);
                var reason = $"imported existing seat (row {seat.Data.Row})";
                if (await SeatLedger.ClaimAsync(uow, sub, policy == AutoIncreasePolicy.Allow, reason) == ClaimOutcome.Full)
                {
                    return RowProblem(StatusCodes.Status409Conflict, "Seats were taken meanwhile; nothing was imported.",
                        [new SeatRowError(seat.Data.Row, "plan", $"No free committed seat of '{seat.Data.PlanCode}' any more.")]);
                }

                var seatId = await SeatLedger.InsertAsync(uow, sub, seat.PersonId, reason, seat.AssignedOn);
                await uow.ExecuteAsync("UPDATE seats SET vendor_member_id = @memberId WHERE id = @seatId", new { memberId = seat.VendorMemberId, seatId });
                written.Add((seat, seatId));
            }

            await uow.AuditAsync("seat_import", tenantId, "applied", new { seats = written.Count }, tenantId);
            return TypedResults.Ok(Report(mode, applied: true, written, []));
        }, ct);
    }

    private static async Task<SeatImportContext> ContextAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? transaction, Guid tenantId, DateOnly today)
    {
        var people = await Dapper.SqlMapper.QueryAsync<ImportPersonRow>(connection,
            "SELECT person_id AS Id, email AS Email, status AS Status FROM people WHERE tenant_id = @tenantId", new { tenantId }, transaction);
        var subscriptions = await Dapper.SqlMapper.QueryAsync<ImportSubscriptionRow>(connection,
            """
            SELECT id AS Id, plan_code AS PlanCode, term_start AS TermStart, committed_quantity AS CommittedQuantity,
                occupied_seats AS OccupiedSeats, auto_increase_policy AS AutoIncreasePolicy
            FROM subscriptions WHERE tenant_id = @tenantId
            """,
            new { tenantId }, transaction);
        var open = await Dapper.SqlMapper.QueryAsync<OpenSeatRow>(connection,
            "SELECT subscription_id AS SubscriptionId, person_id AS PersonId FROM seats WHERE tenant_id = @tenantId AND status <> 'released'",
            new { tenantId }, transaction);
        return new SeatImportContext(
            people.Select(p => new ImportPerson(p.Id, p.Email, p.Status)).ToList(),
            subscriptions.Select(s => new ImportSubscription(s.Id, s.PlanCode, s.TermStart, s.CommittedQuantity, s.OccupiedSeats,
                SeatAllocation.TryParsePolicy(s.AutoIncreasePolicy, out var policy) && policy == AutoIncreasePolicy.Allow)).ToList(),
            open.Select(o => (o.SubscriptionId, o.PersonId)).ToHashSet(),
            today);
    }

    private static SeatImportReport Report(string mode, bool applied, IEnumerable<(PlannedSeat Seat, Guid? Id)> seats, IEnumerable<SeatRowError> errors) =>
        new(mode, applied,
            seats.Select(s => new ImportedSeat(s.Seat.Data.Row, s.Seat.Data.Email, s.Seat.Data.PlanCode, s.Seat.AssignedOn, s.Seat.VendorMemberId, s.Id)).ToList(),
            errors.OrderBy(e => e.Row).ToList());

    private static ProblemHttpResult RowProblem(int status, string detail, IReadOnlyList<SeatRowError> errors) =>
        TypedResults.Problem(statusCode: status, title: "The import file has errors", detail: detail,
            extensions: new Dictionary<string, object?> { ["errors"] = errors });

    private sealed class ImportPersonRow
    {
        public Guid Id { get; set; }
        public string Email { get; set; } = "";
        public string Status { get; set; } = "";
    }

    private sealed class ImportSubscriptionRow
    {
        public Guid Id { get; set; }
        public string PlanCode { get; set; } = "";
        public DateOnly TermStart { get; set; }
        public int CommittedQuantity { get; set; }
        public int OccupiedSeats { get; set; }
        public string AutoIncreasePolicy { get; set; } = "";
    }

    private sealed class OpenSeatRow
    {
        public Guid SubscriptionId { get; set; }
        public Guid PersonId { get; set; }
    }
}
