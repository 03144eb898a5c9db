using LicenceOps.Platform.Data;
using LicenceOps.Platform.Mail;

namespace LicenceOps.Support.Features;

public sealed record KnownSender(Guid? TenantId, Guid? PersonId, string? DisplayName, string Language);

/// <summary>
/// Support's read copy of Tenants: who wrote, and in which language to answer. A sender is recognised by exact
/// address (a person, current or former), else by the domain a tenant owns; anyone else is unknown (triage).
/// </summary>
public static class SupportDirectory
{
    public static async Task<KnownSender> IdentifyAsync(UnitOfWork uow, string address)
    {
        var email = address.Trim().ToLowerInvariant();
        var person = (await uow.QueryAsync<PersonMatch>(
            """
            SELECT p.person_id AS PersonId, p.tenant_id AS TenantId, p.display_name AS DisplayName, t.country_code AS CountryCode
            FROM support_people p LEFT JOIN support_tenants t ON t.tenant_id = p.tenant_id
            WHERE p.email = @email ORDER BY p.occurred_at DESC
            """,
            new { email })).FirstOrDefault();
        if (person is not null)
        {
            return new KnownSender(person.TenantId, person.PersonId, person.DisplayName, MailLanguages.ForCountry(person.CountryCode).Code());
        }

        var at = email.LastIndexOf('@');
        var domain = at < 0 ? "" : email[(at + 1)..];
        var tenant = await uow.QuerySingleOrDefaultAsync<TenantMatch>(
            """
            SELECT d.tenant_id AS TenantId, t.country_code AS CountryCode
            FROM support_tenant_domains d LEFT JOIN support_tenants t ON t.tenant_id = d.tenant_id
            WHERE d.domain = @domain
            """,
            new { domain });
        return tenant is not null
            ? new KnownSender(tenant.TenantId, null, null, MailLanguages.ForCountry(tenant.CountryCode).Code())
            : new KnownSender(null, null, null, MailLanguage.French.Code());
    }

    public static async Task<string> LanguageOfTenantAsync(UnitOfWork uow, Guid? tenantId)
    {
        var country = tenantId is null
            ? null
            : await uow.QuerySingleOrDefaultAsync<string>("SELECT country_code FROM support_tenants WHERE tenant_id = @tenantId", new { tenantId });
        return MailLanguages.ForCountry(country ?? "FR").Code();
    }

    public static async Task<bool> TenantExistsAsync(UnitOfWork uow, Guid tenantId) =>
        await uow.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM support_tenants WHERE tenant_id = @tenantId", new { tenantId }) > 0;

    /// <summary>The person's id when Support knows them as a person of <paramref name="tenantId"/>, else null.</summary>
    public static async Task<Guid?> PersonInTenantAsync(UnitOfWork uow, Guid personId, Guid tenantId) =>
        await uow.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM support_people WHERE person_id = @personId AND tenant_id = @tenantId",
            new { personId, tenantId }) > 0 ? personId : null;
    /// <summary>
    /// What is wrong with linking a ticket of <paramref name="tenantId"/> to this person and seat, by field; empty when
    /// both belong to the tenant. Ids of another tenant read exactly like ids that exist nowhere.
    /// </summary>
    public static async Task<Dictionary<string, string>> RefuseLinksAsync(UnitOfWork uow, Guid? tenantId, Guid? personId, Guid? seatId)
    {
        var problems = new Dictionary<string, string>();
        if (personId is { } person && (tenantId is null || await uow.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM support_people WHERE person_id = @person AND tenant_id = @tenantId", new { person, tenantId }) == 0))
        {
            problems["personId"] = tenantId is null ? "A ticket without a tenant is linked to nobody; set its tenant first." : $"No person {person} in the ticket's tenant.";
        }

        if (seatId is { } seat && (tenantId is null || await uow.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM support_seats WHERE seat_id = @seat AND tenant_id = @tenantId", new { seat, tenantId }) == 0))
        {
            problems["seatId"] = tenantId is null ? "A ticket without a tenant is linked to no seat; set its tenant first." : $"No seat {seat} in the ticket's tenant.";
        }

        return problems;
    }

    public static Task<string?> BillingEmailAsync(UnitOfWork uow, Guid tenantId) =>
        uow.QuerySingleOrDefaultAsync<string>("SELECT billing_email FROM support_tenants WHERE tenant_id = @tenantId", new { tenantId });

    private sealed class PersonMatch
    {
        public Guid PersonId { get; set; }
        public Guid TenantId { get; set; }
        public string? DisplayName { get; set; }
        public string? CountryCode { get; set; }
    }

    private sealed class TenantMatch
    {
        public Guid TenantId { get; set; }
        public string? CountryCode { get; set; }
    }
}
