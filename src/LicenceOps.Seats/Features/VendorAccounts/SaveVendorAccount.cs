using System.Text.Json;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using LicenceOps.Seats.Vendors;
using LicenceOps.Seats.Vendors.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using LicenceOps.Seats.Domain.Reconciliation;
using LicenceOps.Seats.Reconciliation;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace LicenceOps.Seats.Features.VendorAccounts;

public sealed record CreateVendorAccountRequest(
    [property: Text(100)] string? VendorCode, [property: Text(100)] string? Connector, [property: Text(200)] string? DisplayName, [property: Text(2000)] string? BaseAddress, Dictionary<string, string>? Settings, [property: Text(8000, Multiline = true)] string? Secret,
    int? ReconcileEveryMinutes = null);

public sealed record ReplaceCredentialRequest([property: Text(8000, Multiline = true)] string? Secret);

/// <summary>
/// POST /api/tenants/{tenantId}/vendor-accounts and PUT …/{id}/credential: staff register a client's vendor admin account.
/// The secret is encrypted before it reaches the database and is never answered back nor audited.
/// </summary>
internal static class SaveVendorAccount
{
    private const int MaxSecretLength = 16 * 1024;

    /// <summary>Settings each connector understands. Anything else is refused, so a credential is never parked in plain settings.</summary>
    private static readonly Dictionary<string, string[]> AllowedSettings = new()
    {
        [ConnectorKinds.Graph] = ["directoryTenantId", "clientId", "skuId", "authority", "scope", "usageReport"],
        [ConnectorKinds.OpenAi] = ["inviteRole"],
        [ConnectorKinds.Anthropic] = ["inviteRole"],
        [ConnectorKinds.Google] = ["productId", "skuId", "serviceAccountEmail", "adminEmail", "customerId", "tokenUri"],
        [ConnectorKinds.Scim] = [],
        [ConnectorKinds.Csv] = [],
    };

    public static void Map(IEndpointRouteBuilder tenant)
    {
        tenant.MapPost("/vendor-accounts", CreateAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Register a vendor admin account (connector, settings, encrypted credential, reconciliation interval) for a tenant; its reconciliation job is scheduled.");
        tenant.MapPut("/vendor-accounts/{accountId:guid}/credential", ReplaceCredentialAsync).RequireAuthorization(Policies.Staff)
            .WithSummary("Replace the stored credential of a vendor account (rotation).");
    }

    private static async Task<Results<Created<VendorAccountResponse>, ValidationProblem>> CreateAsync(
        Guid tenantId, CreateVendorAccountRequest request, VendorCredentials credentials, ModuleDatabase<SeatsModule> db,
        ReconciliationScheduler scheduler, IOptions<SeatsOptions> options, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var connector = request.Connector?.Trim().ToLowerInvariant() ?? "";
        var vendorCode = request.VendorCode?.Trim().ToLowerInvariant() ?? "";
        if (!AllowedSettings.ContainsKey(connector))
        {
            errors.Add("connector", $"The connector must be one of {string.Join(", ", AllowedSettings.Keys)}.");
        }
        else if (vendorCode.Length == 0 || !ConnectorKinds.Serves(connector, vendorCode))
        {
            errors.Add("vendorCode", $"The {connector} connector cannot serve vendor '{vendorCode}'.");
        }
        if (string.IsNullOrWhiteSpace(request.DisplayName) || request.DisplayName.Trim().Length > 200)
        {
            errors.Add("displayName", "A display name (at most 200 characters) is required.");
        }
        var baseAddress = CheckBaseAddress(request.BaseAddress, connector, errors);
        if (request.ReconcileEveryMinutes is { } minutes && !ReconciliationCron.IsExpressible(minutes))
        {
            errors.Add("reconcileEveryMinutes", ReconciliationCron.Explanation);
        }
        var settings = request.Settings ?? [];
        if (AllowedSettings.TryGetValue(connector, out var allowed))
        {
            foreach (var key in settings.Keys.Where(k => !allowed.Contains(k)))
            {
                errors.Add($"settings.{key}", $"The {connector} connector has no setting '{key}' (allowed: {string.Join(", ", allowed)}); credentials go in 'secret'.");
            }
            foreach (var key in ConnectorKinds.RequiredSettings[connector].Where(k => !settings.TryGetValue(k, out var v) || string.IsNullOrWhiteSpace(v)))
            {
                errors.Add($"settings.{key}", $"The {connector} connector needs the setting '{key}'.");
            }
            foreach (var (key, value) in settings.Where(s => s.Value is null || s.Value.Length > 500))
            {
                errors.Add($"settings.{key}", "A setting is a text of at most 500 characters.");
            }
            CheckSecret(request.Secret, ConnectorKinds.NeedsSecret(connector), errors);
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var id = RowIds.New();
        var result = await db.WriteAsync<Results<Created<VendorAccountResponse>, ValidationProblem>>(async uow =>
        {
            var trimmed = settings.ToDictionary(s => s.Key, s => s.Value.Trim());
            await uow.ExecuteAsync(
                """
                INSERT INTO vendor_accounts (id, tenant_id, vendor_code, connector, display_name, base_address, settings, protected_secret,
                    created_at, updated_at, reconcile_every_minutes)
                VALUES (@id, @tenantId, @vendorCode, @connector, @displayName, @baseAddress, @settings, @secret, @now, @now, @every)
                """,
                new
                {
                    id, tenantId, vendorCode, connector, displayName = request.DisplayName!.Trim(), baseAddress = baseAddress?.AbsoluteUri,
                    settings = JsonSerializer.Serialize(trimmed),
                    secret = string.IsNullOrEmpty(request.Secret) ? null : credentials.Protect(request.Secret),
                    now = uow.Now, every = request.ReconcileEveryMinutes,
                });
            await uow.AuditAsync("vendor_account", id, "created",
                new { vendorCode, connector, displayName = request.DisplayName.Trim(), baseAddress = baseAddress?.AbsoluteUri, settings = trimmed,
                      credential = string.IsNullOrEmpty(request.Secret) ? "none" : "stored encrypted", reconcileEveryMinutes = request.ReconcileEveryMinutes },
                tenantId);
            var created = (await VendorAccountResponse.LoadAsync(uow, tenantId, id, options.Value.Reconciliation.IntervalMinutes))!;
            return TypedResults.Created($"/api/tenants/{tenantId}/vendor-accounts/{id}", created);
        }, ct);
        // After the commit: the row is the truth the job mirrors (a crash in between is repaired at the next start).
        await scheduler.SynchroniseAsync(id, ct);
        return result;
    }

    private static async Task<Results<Ok<VendorAccountResponse>, ValidationProblem, ProblemHttpResult>> ReplaceCredentialAsync(
        Guid tenantId, Guid accountId, ReplaceCredentialRequest request, VendorCredentials credentials, ModuleDatabase<SeatsModule> db,
        IOptions<SeatsOptions> options, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        CheckSecret(request.Secret, required: true, errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        return await db.WriteAsync<Results<Ok<VendorAccountResponse>, ValidationProblem, ProblemHttpResult>>(async uow =>
        {
            var updated = await uow.ExecuteAsync(
                """
                UPDATE vendor_accounts SET protected_secret = @secret, updated_at = @now, last_check_ok = NULL
                WHERE id = @accountId AND tenant_id = @tenantId AND connector <> 'csv'
                """,
                new { accountId, tenantId, secret = credentials.Protect(request.Secret!), now = uow.Now });
            if (updated == 0)
            {
                return Problems.NotFound($"Vendor account {accountId} with an API connector not found.");
            }
            await uow.AuditAsync("vendor_account", accountId, "credential_replaced", new { credential = "stored encrypted" }, tenantId);
            return TypedResults.Ok((await VendorAccountResponse.LoadAsync(uow, tenantId, accountId, options.Value.Reconciliation.IntervalMinutes))!);
        }, ct);
    }

    private static void CheckSecret(string? secret, bool required, ValidationErrors errors)
    {
        if (required && string.IsNullOrWhiteSpace(secret))
        {
            errors.Add("secret", "This connector needs a credential (API key, client secret, token or service account key).");
        }
        else if (!required && !string.IsNullOrEmpty(secret))
        {
            errors.Add("secret", "This connector uses no credential.");
        }
        else if (secret is { Length: > MaxSecretLength })
        {
            errors.Add("secret", $"A credential is at most {MaxSecretLength} characters.");
        }
    }

    /// <summary>HTTPS only, except loopback (test servers), so credentials never travel in clear to a remote host.</summary>
    private static Uri? CheckBaseAddress(string? text, string connector, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            if (ConnectorKinds.NeedsBaseAddress(connector))
            {
                errors.Add("baseAddress", "The SCIM connector needs the SCIM base address (e.g. https://vendor.example/scim/v2/).");
            }
            return null;
        }
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
            || !string.IsNullOrEmpty(uri.UserInfo) || text.Length > 2000)
        {
            errors.Add("baseAddress", "The base address must be an absolute https:// address (http:// only for a loopback test server).");
            return null;
        }
        return uri;
    }
}
