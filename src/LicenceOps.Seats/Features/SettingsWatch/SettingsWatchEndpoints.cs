using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Http.Paging;
using LicenceOps.Platform.Security;
using LicenceOps.Seats.Domain.Reconciliation;
using LicenceOps.Seats.Reconciliation;
using LicenceOps.Seats.Vendors.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Seats.Features.SettingsWatch;

public sealed record CreateBaselineRequest(
    [property: Text(64)] string? VendorCode, [property: Text(100)] string? SettingKey, [property: Text(320)] string? Label,
    [property: Text(400)] string? ExpectedValue);

public sealed record BaselineResponse(Guid Id, string VendorCode, string SettingKey, string Label, string ExpectedValue);

public sealed record RecordObservationRequest(
    [property: Text(100)] string? SettingKey, [property: Text(400)] string? ObservedValue, [property: BusinessDate] DateOnly? ObservedOn);

/// <param name="State">ok, drifted or unverified (never observed, or last observed more than 30 days ago).</param>
public sealed record AccountSettingResponse(
    string SettingKey, string Label, string ExpectedValue, string? ObservedValue, DateOnly? ObservedOn, string? Source, string State);

/// <summary>
/// Settings watch. Staff keep a baseline of security settings per vendor product (GET/POST /api/setting-baselines) and
/// record what they observed in a vendor account's admin console (POST .../vendor-accounts/{id}/settings); none of the
/// connected vendor APIs exposes these settings, so observations are recorded by staff (source "recorded"). Recording
/// re-evaluates the account's setting findings at once; the reconciliation run does it too (unverified after 30 days).
/// </summary>
internal static class SettingsWatchEndpoints
{
    public static void Map(IEndpointRouteBuilder api, IEndpointRouteBuilder tenant)
    {
        api.MapGet("/setting-baselines", ListBaselinesAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("The security settings baseline per vendor product.");
        api.MapPost("/setting-baselines", CreateBaselineAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Add a setting to a vendor product's baseline with its expected value.");
        tenant.MapGet("/vendor-accounts/{accountId:guid}/settings", ListAccountAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Each baseline setting of the account with its last observed value and state (ok, drifted, unverified).");
        tenant.MapPost("/vendor-accounts/{accountId:guid}/settings", RecordAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Record the observed value of a setting and its date; drift and verification findings follow at once.");
    }

    private const string BaselineSelect =
        "SELECT id AS Id, vendor_code AS VendorCode, setting_key AS SettingKey, label AS Label, expected_value AS ExpectedValue FROM setting_baselines";

    private static readonly Keyset<BaselineRow> ByKey = new("setting-baselines",
        SortKey.Asc<BaselineRow>("vendor_code", r => r.VendorCode), SortKey.Asc<BaselineRow>("setting_key", r => r.SettingKey),
        SortKey.Asc<BaselineRow>("id", r => r.Id));

    private static async Task<Ok<Page<BaselineResponse>>> ListBaselinesAsync(string? vendorCode, PageRequest page, ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        var rows = await ByKey.ReadAsync(db, BaselineSelect, "@vendorCode IS NULL OR vendor_code = @vendorCode", new { vendorCode }, page, ct);
        return TypedResults.Ok(rows.Map(r => new BaselineResponse(r.Id, r.VendorCode, r.SettingKey, r.Label, r.ExpectedValue)));
    }

    private sealed class BaselineRow
    {
        public Guid Id { get; set; }
        public string VendorCode { get; set; } = "";
        public string SettingKey { get; set; } = "";
        public string Label { get; set; } = "";
        public string ExpectedValue { get; set; } = "";
    }

    private static async Task<Results<Created<BaselineResponse>, ValidationProblem, ProblemHttpResult>> CreateBaselineAsync(
        CreateBaselineRequest request, ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        errors.Required("vendorCode", request.VendorCode);
        errors.Required("label", request.Label);
        errors.Required("expectedValue", request.ExpectedValue);
        if (string.IsNullOrWhiteSpace(request.SettingKey) || !request.SettingKey.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
        {
            errors.Add("settingKey", "The setting key is required: lower-case letters, digits and underscores.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        return await db.WriteAsync<Results<Created<BaselineResponse>, ValidationProblem, ProblemHttpResult>>(async uow =>
        {
            var vendorKnown = await uow.QuerySingleOrDefaultAsync<long>(
                "SELECT COUNT(*) FROM catalogue_plans WHERE vendor_code = @VendorCode", new { request.VendorCode });
            if (vendorKnown == 0)
            {
                errors.Add("vendorCode", "No catalogue plan has this vendor code.");
                return errors.ToProblem();
            }
            var duplicate = await uow.QuerySingleOrDefaultAsync<long>(
                "SELECT COUNT(*) FROM setting_baselines WHERE vendor_code = @VendorCode AND setting_key = @SettingKey", new { request.VendorCode, request.SettingKey });
            if (duplicate > 0)
            {
                return Problems.Conflict($"The {request.VendorCode} baseline already has the setting '{request.SettingKey}'.");
            }
            var id = RowIds.New();
            await uow.ExecuteAsync(
                """
                INSERT INTO setting_baselines (id, vendor_code, setting_key, label, expected_value, created_at, created_by)
                VALUES (@id, @VendorCode, @SettingKey, @label, @expected, @now, @actor)
                """,
                new { id, request.VendorCode, request.SettingKey, label = request.Label!.Trim(), expected = request.ExpectedValue!.Trim(), now = uow.Now, actor = uow.Actor.Display });
            await uow.AuditAsync("setting_baseline", id, "created", new { request.VendorCode, request.SettingKey, request.ExpectedValue });
            var created = (await uow.QuerySingleOrDefaultAsync<BaselineResponse>(BaselineSelect + " WHERE id = @id", new { id }))!;
            return TypedResults.Created($"/api/setting-baselines/{id}", created);
        }, ct);
    }

    private static async Task<Results<Ok<IReadOnlyList<AccountSettingResponse>>, ProblemHttpResult>> ListAccountAsync(
        Guid tenantId, Guid accountId, ModuleDatabase<SeatsModule> db, TimeProvider clock, CancellationToken ct)
    {
        var account = await db.QuerySingleOrDefaultAsync<VendorAccountRow>(VendorAccountRow.SelectSql + " WHERE id = @accountId AND tenant_id = @tenantId",
            new { accountId, tenantId }, ct);
        if (account is null)
        {
            return Problems.NotFound($"Vendor account {accountId} not found.");
        }
        var baselines = await db.QueryAsync<BaselineResponse>(BaselineSelect + " WHERE vendor_code = @VendorCode ORDER BY setting_key", new { account.VendorCode }, ct);
        var observations = await db.QueryAsync<Observation>(
            """
            SELECT setting_key AS SettingKey, observed_value AS ObservedValue, observed_on AS ObservedOn, source AS Source
            FROM setting_observations WHERE vendor_account_id = @accountId ORDER BY observed_on DESC, recorded_at DESC
            """, new { accountId }, ct);
        var today = ParisCalendar.DateOf(clock.GetUtcNow());
        return TypedResults.Ok<IReadOnlyList<AccountSettingResponse>>(baselines.Select(b =>
        {
            var latest = observations.FirstOrDefault(o => o.SettingKey == b.SettingKey);
            var state = latest is null || today.DayNumber - latest.ObservedOn.DayNumber > Domain.Reconciliation.SettingsWatch.UnverifiedAfterDays
                ? (latest is not null && !Domain.Reconciliation.SettingsWatch.Same(latest.ObservedValue, b.ExpectedValue) ? "drifted" : "unverified")
                : Domain.Reconciliation.SettingsWatch.Same(latest.ObservedValue, b.ExpectedValue) ? "ok" : "drifted";
            return new AccountSettingResponse(b.SettingKey, b.Label, b.ExpectedValue, latest?.ObservedValue, latest?.ObservedOn, latest?.Source, state);
        }).ToList());
    }

    private static async Task<Results<Ok<IReadOnlyList<AccountSettingResponse>>, ValidationProblem, ProblemHttpResult>> RecordAsync(
        Guid tenantId, Guid accountId, RecordObservationRequest request, ModuleDatabase<SeatsModule> db, TimeProvider clock, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        errors.Required("settingKey", request.SettingKey);
        errors.Required("observedValue", request.ObservedValue);
        var today = ParisCalendar.DateOf(clock.GetUtcNow());
        if (request.ObservedOn is { } on && on > today)
        {
            errors.Add("observedOn", "The observation date cannot be in the future.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var outcome = await db.WriteAsync<ProblemHttpResult?>(async uow =>
        {
            var account = await uow.QuerySingleOrDefaultAsync<VendorAccountRow>(VendorAccountRow.SelectSql + " WHERE id = @accountId AND tenant_id = @tenantId",
                new { accountId, tenantId });
            if (account is null)
            {
                return Problems.NotFound($"Vendor account {accountId} not found.");
            }
            var known = await uow.QuerySingleOrDefaultAsync<long>(
                "SELECT COUNT(*) FROM setting_baselines WHERE vendor_code = @VendorCode AND setting_key = @SettingKey",
                new { account.VendorCode, request.SettingKey });
            if (known == 0)
            {
                return Problems.Unprocessable($"The {account.VendorCode} baseline has no setting '{request.SettingKey}': add it to the baseline first.");
            }
            var id = RowIds.New();
            var observedOn = request.ObservedOn ?? ParisCalendar.DateOf(uow.Now);
            await uow.ExecuteAsync(
                """
                INSERT INTO setting_observations (id, tenant_id, vendor_account_id, setting_key, observed_value, observed_on, source, recorded_by, recorded_at)
                VALUES (@id, @tenantId, @accountId, @SettingKey, @value, @observedOn, 'recorded', @actor, @now)
                """,
                new { id, tenantId, accountId, request.SettingKey, value = request.ObservedValue!.Trim(), observedOn, actor = uow.Actor.Display, now = uow.Now });
            await uow.AuditAsync("vendor_account", accountId, "setting_observed", new { request.SettingKey, request.ObservedValue, observedOn }, tenantId);
            var subscriptionId = (await uow.QueryAsync<Guid>(
                "SELECT id FROM subscriptions WHERE connected_account_id = @accountId AND tenant_id = @tenantId ORDER BY created_at, id",
                new { accountId, tenantId })).Cast<Guid?>().FirstOrDefault();
            var planned = await ReconciliationRunner.PlanSettingsAsync(uow, account, subscriptionId, ParisCalendar.DateOf(uow.Now));
            await FindingStore.ApplyAsync(uow, tenantId, accountId, account.VendorCode, account.DisplayName, null, planned, FindingKinds.FromSettings);
            return null;
        }, ct);
        if (outcome is not null)
        {
            return outcome;
        }
        return (await ListAccountAsync(tenantId, accountId, db, clock, ct)).Result switch
        {
            Ok<IReadOnlyList<AccountSettingResponse>> ok => ok,
            ProblemHttpResult problem => problem,
            _ => throw new InvalidOperationException("unexpected result"),
        };
    }

    private sealed class Observation
    {
        public string SettingKey { get; set; } = "";
        public string ObservedValue { get; set; } = "";
        public DateOnly ObservedOn { get; set; }
        public string Source { get; set; } = "";
    }
}
