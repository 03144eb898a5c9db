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

/// <summary>POST /api/tenants (staff): a new active tenant; publishes TenantProfileChanged.</summary>
internal static class CreateTenant
{
    public static void Map(IEndpointRouteBuilder group) =>
        group.MapPost("/", HandleAsync).RequireAuthorization(Policies.Staff).WithSummary("Create a tenant (staff).");

    private static async Task<Results<Created<TenantView>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        TenantProfileInput request, ModuleDatabase<TenantsModule> db, CancellationToken ct)
    {
        var (profile, errors) = TenantProfile.From(request);
        if (profile is null)
        {
            return ToProblem(errors);
        }

        try
        {
            return await db.WriteAsync<Results<Created<TenantView>, ValidationProblem, ProblemHttpResult>>(async uow =>
            {
                var id = RowIds.New();
                if (await TenantDomains.RefuseTakenAsync(uow, id, profile.EmailDomains) is { } taken)
                {
                    return Problems.Conflict(taken);
                }

                var row = TenantRow.From(id, profile, TenantStatus.Active, uow.Now, uow.Now);
                await InsertAsync(uow, row);
                await TenantDomains.ReplaceAsync(uow, id, profile.EmailDomains);
                await uow.AuditAsync("tenant", id, "created", profile, id);
                await uow.PublishAsync(row.ToEvent(uow.Now));
                return TypedResults.Created($"/api/tenants/{id}", TenantView.From(row, profile.EmailDomains));
            }, ct);
        }
        catch (DbException e) when (UniqueViolation.Is(e))
        {
            return Problems.Conflict("A domain of this tenant was just taken by another tenant.");
        }
    }

    public static Task InsertAsync(UnitOfWork uow, TenantRow row) =>
        uow.ExecuteAsync(
            """
            INSERT INTO tenants (id, legal_name, siren, siret, vat_number, country_code, address_line1, address_line2,
                                 postal_code, city, billing_email, status, created_at, updated_at)
            VALUES (@Id, @LegalName, @Siren, @Siret, @VatNumber, @CountryCode, @AddressLine1, @AddressLine2,
                    @PostalCode, @City, @BillingEmail, @Status, @CreatedAt, @UpdatedAt)
            """,
            row);

    public static ValidationProblem ToProblem(IEnumerable<FieldError> errors)
    {
        var problem = new ValidationErrors();
        foreach (var error in errors)
        {
            problem.Add(error.Field, error.Message);
        }
        return problem.ToProblem();
    }
}
