using System.Data.Common;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Security;
using LicenceOps.Tenants.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Tenants.Features.Tenants;

/// <summary>
/// PUT /api/tenants/{tenantId} (staff): replaces the profile. Publishes TenantProfileChanged when something changed.
/// A domain still used by a current (non-external) person cannot be dropped; an offboarded tenant is frozen.
/// </summary>
internal static class UpdateTenant
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPut("/{tenantId:guid}", HandleAsync).RequireAuthorization(Policies.Staff).WithSummary("Update a tenant's profile (staff).");

    private static async Task<Results<Ok<TenantView>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid tenantId, TenantProfileInput request, ModuleDatabase<TenantsModule> db, CancellationToken ct)
    {
        var (profile, errors) = TenantProfile.From(request);
        if (profile is null)
        {
            return CreateTenant.ToProblem(errors);
        }

        try
        {
            return await db.WriteAsync<Results<Ok<TenantView>, ValidationProblem, ProblemHttpResult>>(async uow =>
            {
                var before = await TenantRow.FindAsync(uow, tenantId);
                if (before is null)
                {
                    return Access.TenantNotFound(tenantId);
                }
                if (!TenantStatus.AcceptsChanges(before.Status))
                {
                    return Problems.Conflict("The tenant is offboarded; its profile no longer changes.");
                }
                if (await TenantDomains.RefuseTakenAsync(uow, tenantId, profile.EmailDomains) is { } taken)
                {
                    return Problems.Conflict(taken);
                }
                var domainsBefore = await TenantDomains.OfAsync(uow, tenantId);
                var dropped = domainsBefore.Except(profile.EmailDomains, StringComparer.Ordinal).ToList();
                if (await RefuseDroppingUsedDomainsAsync(uow, tenantId, dropped) is { } inUse)
                {
                    return Problems.Conflict(inUse);
                }

                var after = TenantRow.From(tenantId, profile, before.Status, before.CreatedAt, uow.Now);
                var changes = new ChangeSet()
                    .Compare("legalName", before.LegalName, after.LegalName)
                    .Compare("siren", before.Siren, after.Siren)
                    .Compare("siret", before.Siret, after.Siret)
                    .Compare("vatNumber", before.VatNumber, after.VatNumber)
                    .Compare("countryCode", before.CountryCode, after.CountryCode)
                    .Compare("billingAddress.line1", before.AddressLine1, after.AddressLine1)
                    .Compare("billingAddress.line2", before.AddressLine2, after.AddressLine2)
                    .Compare("billingAddress.postalCode", before.PostalCode, after.PostalCode)
                    .Compare("billingAddress.city", before.City, after.City)
                    .Compare("billingEmail", before.BillingEmail, after.BillingEmail)
                    .CompareSets("emailDomains", domainsBefore, profile.EmailDomains);
                if (!changes.Any)
                {
                    return TypedResults.Ok(TenantView.From(before, domainsBefore));
                }

                // Guarded on the row read: the event below carries the whole profile (status included), so a concurrent
                // change must make this a 409, never publish a newer event with stale fields.
                var updated = await uow.ExecuteAsync(
                    """
                    UPDATE tenants SET legal_name = @LegalName, siren = @Siren, siret = @Siret, vat_number = @VatNumber,
                        country_code = @CountryCode, address_line1 = @AddressLine1, address_line2 = @AddressLine2,
                        postal_code = @PostalCode, city = @City, billing_email = @BillingEmail, updated_at = @UpdatedAt
                    WHERE id = @Id AND updated_at = @previousUpdatedAt AND status = @Status
                    """,
                    new
                    {
                        after.LegalName, after.Siren, after.Siret, after.VatNumber, after.CountryCode, after.AddressLine1, after.AddressLine2,
                        after.PostalCode, after.City, after.BillingEmail, after.UpdatedAt, after.Id, after.Status, previousUpdatedAt = before.UpdatedAt,
                    });
                if (updated != 1)
                {
                    return Problems.Conflict("The tenant changed meanwhile; reload and retry.");
                }
                await TenantDomains.ReplaceAsync(uow, tenantId, profile.EmailDomains);
                await uow.AuditAsync("tenant", tenantId, "updated", changes.ToAudit(), tenantId);
                await uow.PublishAsync(after.ToEvent(uow.Now));
                return TypedResults.Ok(TenantView.From(after, profile.EmailDomains));
            }, ct);
        }
        catch (DbException e) when (UniqueViolation.Is(e))
        {
            return Problems.Conflict("A domain of this tenant was just taken by another tenant.");
        }
    }

    private static async Task<string?> RefuseDroppingUsedDomainsAsync(UnitOfWork uow, Guid tenantId, IReadOnlyList<string> dropped)
    {
        if (dropped.Count == 0)
        {
            return null;
        }
        var emails = await uow.QueryAsync<string>(
            "SELECT email FROM people WHERE tenant_id = @tenantId AND is_external = @no AND status <> @left",
            new { tenantId, no = false, left = PersonStatus.Left });
        var used = dropped.Where(d => emails.Any(e => EmailAddress.DomainOf(e) == d)).ToList();
        return used.Count == 0
            ? null
            : $"Still used by current people, so it cannot be removed: {string.Join(", ", used)}. Record their leave or mark them external first.";
    }
}
