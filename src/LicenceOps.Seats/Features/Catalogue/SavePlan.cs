using LicenceOps.Platform;
using LicenceOps.Contracts.Seats;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Seats.Domain.Catalogue;
using LicenceOps.Seats.Shared;

namespace LicenceOps.Seats.Features.Catalogue;

public sealed record PlanRequest(
    [property: Text(100)] string? Code, [property: Text(100)] string? VendorCode, [property: Text(200)] string? VendorName, [property: Text(200)] string? ProductName, [property: Text(200)] string? PlanName, decimal? ListPrice,
    [property: Text(3)] string? PriceCurrency, bool? ListPriceIncludesVat, [property: Text(40), OneOf(BillingCycles.Monthly, BillingCycles.Annual)] string? BillingCycle, bool? SeatsReducibleBeforeRenewal,
    bool? VendorHasAdminApi, [property: Text(2000, Multiline = true)] string? OffboardingDataRule, [property: BusinessDate] DateOnly? PriceReadOn, [property: Text(1000, Multiline = true)] string? PriceNote,
    [property: Text(40), OneOf(PriceUnits.PerSeatMonth, PriceUnits.PerSeatYear)] string? PriceUnit = null,
    [property: Text(40), OneOf(BillingFrequencies.Monthly, BillingFrequencies.AnnualInAdvance)] string? BillingFrequency = null);

/// <summary>Staff create plans and correct them (prices move; vendors rename plans).</summary>
internal static class SavePlan
{
    public static async Task<IResult> CreateAsync(PlanRequest request, ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        var errors = Validate(request, requireCode: true);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        return await db.WriteAsync<IResult>(async uow =>
        {
            var inserted = await uow.ExecuteAsync(
                """
                INSERT INTO catalogue_plans (code, vendor_code, vendor_name, product_name, plan_name, list_price, price_currency,
                    list_price_includes_vat, billing_cycle, seats_reducible_before_renewal, vendor_has_admin_api,
                    offboarding_data_rule, price_read_on, price_note, price_unit, billing_frequency)
                SELECT @Code, @VendorCode, @VendorName, @ProductName, @PlanName, @ListPrice, @PriceCurrency, @ListPriceIncludesVat,
                    @BillingCycle, @SeatsReducibleBeforeRenewal, @VendorHasAdminApi, @OffboardingDataRule, @PriceReadOn, @PriceNote,
                    @PriceUnit, @BillingFrequency
                WHERE NOT EXISTS (SELECT 1 FROM catalogue_plans WHERE code = @Code)
                """,
                Parameters(request, request.Code!.Trim(), 1));
            if (inserted == 0)
            {
                return Problems.Conflict($"A plan with code '{request.Code}' already exists.");
            }
            await uow.AuditAsync("catalogue_plan", Guid.Empty, "created", request);
            var plan = await uow.QuerySingleOrDefaultAsync<PlanRow>(PlanRow.SelectSql + " WHERE code = @code", new { code = request.Code.Trim() });
            return TypedResults.Created($"/api/catalogue/plans/{plan!.Code}", plan.ToResponse());
        }, ct);
    }

    /// <summary>
    /// Replaces the plan. The write is conditional on the version the editor read (If-Match, else the version read in
    /// this transaction): an edit based on a stale read is a 409 and changes nothing, instead of undoing a colleague's
    /// price correction.
    /// </summary>
    public static async Task<IResult> UpdateAsync(
        string code, PlanRequest request, HttpRequest http, ModuleDatabase<SeatsModule> db, CancellationToken ct)
    {
        var (expected, badPrecondition) = VersionPrecondition.Expected(http);
        if (badPrecondition is not null)
        {
            return badPrecondition;
        }
        var errors = Validate(request, requireCode: false);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        return await db.WriteAsync<IResult>(async uow =>
        {
            var before = await uow.QuerySingleOrDefaultAsync<PlanRow>(PlanRow.SelectSql + " WHERE code = @code", new { code });
            if (before is null)
            {
                return Problems.NotFound($"No catalogue plan '{code}'.");
            }
            var updated = await uow.ExecuteAsync(
                """
                UPDATE catalogue_plans SET vendor_code = @VendorCode, vendor_name = @VendorName, product_name = @ProductName,
                    plan_name = @PlanName, list_price = @ListPrice, price_currency = @PriceCurrency,
                    list_price_includes_vat = @ListPriceIncludesVat, billing_cycle = @BillingCycle,
                    seats_reducible_before_renewal = @SeatsReducibleBeforeRenewal, vendor_has_admin_api = @VendorHasAdminApi,
                    offboarding_data_rule = @OffboardingDataRule, price_read_on = @PriceReadOn, price_note = @PriceNote,
                    price_unit = @PriceUnit, billing_frequency = @BillingFrequency, version = version + 1
                WHERE code = @Code AND version = @ExpectedVersion
                """,
                Parameters(request, code, expected ?? before.Version));
            if (updated != 1)
            {
                return VersionPrecondition.Stale($"plan '{code}'");
            }
            var after = (await uow.QuerySingleOrDefaultAsync<PlanRow>(PlanRow.SelectSql + " WHERE code = @code", new { code }))!;
            await uow.AuditAsync("catalogue_plan", Guid.Empty, "updated", new { code, before = before.ToResponse(), after = after.ToResponse() });
            if (before.ListPrice != after.ListPrice || before.PriceCurrency != after.PriceCurrency
                || before.ListPriceIncludesVat != after.ListPriceIncludesVat || before.BillingCycle != after.BillingCycle
                || before.PriceUnit != after.PriceUnit || before.BillingFrequency != after.BillingFrequency
                || before.PlanName != after.PlanName || before.VendorName != after.VendorName)
            {
                await RepublishTermsAsync(uow, code);
            }
            VersionPrecondition.SetETag(http.HttpContext.Response, after.Version);
            return TypedResults.Ok(after.ToResponse());
        }, ct);
    }

    /// <summary>Billing prices subscriptions from the terms it last received, so every subscription of the plan is re-announced.</summary>
    private static async Task RepublishTermsAsync(UnitOfWork uow, string code)
    {
        var subs = await uow.QueryAsync<SubscriptionRow>(SubscriptionRow.SelectSql + " WHERE s.plan_code = @code", new { code });
        foreach (var s in subs)
        {
            await uow.PublishAsync(new SubscriptionQuantityChanged(s.Id, s.TenantId, s.VendorName, s.PlanCode, s.PlanName,
                s.CommittedQuantity, s.CommittedQuantity, ParisCalendar.DateOf(uow.Now), s.TermStart, s.RenewalDate, s.BillingCycle,
                s.ListPrice, s.PriceCurrency, s.ListPriceIncludesVat, s.SalePricePerSeatEur, uow.Now, s.PriceUnit, s.BillingFrequency));
        }
    }

    private static object Parameters(PlanRequest r, string code, long expectedVersion) => new
    {
        Code = code, ExpectedVersion = expectedVersion, VendorCode = r.VendorCode!.Trim(), VendorName = r.VendorName!.Trim(), ProductName = r.ProductName!.Trim(),
        PlanName = r.PlanName!.Trim(), ListPrice = r.ListPrice!.Value, r.PriceCurrency, ListPriceIncludesVat = r.ListPriceIncludesVat!.Value,
        r.BillingCycle, SeatsReducibleBeforeRenewal = r.SeatsReducibleBeforeRenewal!.Value,
        VendorHasAdminApi = r.VendorHasAdminApi!.Value, r.OffboardingDataRule, PriceReadOn = r.PriceReadOn!.Value,
        PriceNote = string.IsNullOrWhiteSpace(r.PriceNote) ? null : r.PriceNote.Trim(),
        PriceUnit = r.PriceUnit ?? PriceUnits.PerSeatMonth,
        BillingFrequency = r.BillingFrequency ?? BillingFrequencies.Monthly,
    };

    private static ValidationErrors Validate(PlanRequest r, bool requireCode)
    {
        var errors = new ValidationErrors();
        if (requireCode)
        {
            if (string.IsNullOrWhiteSpace(r.Code))
            {
                errors.Add("code", "A plan code is required.");
            }
            else if (r.Code.Trim().Length > 64 || r.Code.Trim().Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
            {
                errors.Add("code", "A plan code has at most 64 characters: lower-case letters, digits and dashes.");
            }
        }
        Required(errors, "vendorCode", r.VendorCode);
        Required(errors, "vendorName", r.VendorName);
        Required(errors, "productName", r.ProductName);
        Required(errors, "planName", r.PlanName);
        if (r.ListPrice is not { } price)
        {
            errors.Add("listPrice", "The list price is required.");
        }
        else if (price <= 0 || !Money.HasAtMostDecimals(price, 4))
        {
            errors.Add("listPrice", "The list price must be positive, with at most 4 decimal places.");
        }
        if (!PriceCurrencies.All.Contains(r.PriceCurrency))
        {
            errors.Add("priceCurrency", $"The price currency must be one of: {string.Join(", ", PriceCurrencies.All)}.");
        }
        if (!BillingCycles.All.Contains(r.BillingCycle))
        {
            errors.Add("billingCycle", $"The billing cycle must be one of: {string.Join(", ", BillingCycles.All)}.");
        }
        if (r.PriceUnit is not null && !PriceUnits.All.Contains(r.PriceUnit))
        {
            errors.Add("priceUnit", $"The price unit must be one of: {string.Join(", ", PriceUnits.All)} (default {PriceUnits.PerSeatMonth}).");
        }
        if (r.BillingFrequency is not null && !BillingFrequencies.All.Contains(r.BillingFrequency))
        {
            errors.Add("billingFrequency", $"The billing frequency must be one of: {string.Join(", ", BillingFrequencies.All)} (default {BillingFrequencies.Monthly}).");
        }
        if (!OffboardingDataRules.All.Contains(r.OffboardingDataRule))
        {
            errors.Add("offboardingDataRule", $"The offboarding data rule must be one of: {string.Join(", ", OffboardingDataRules.All)}.");
        }
        if (r.ListPriceIncludesVat is null)
        {
            errors.Add("listPriceIncludesVat", "Say whether the list price includes VAT.");
        }
        if (r.SeatsReducibleBeforeRenewal is null)
        {
            errors.Add("seatsReducibleBeforeRenewal", "Say whether seats can be reduced before renewal.");
        }
        if (r.VendorHasAdminApi is null)
        {
            errors.Add("vendorHasAdminApi", "Say whether the vendor has an admin API.");
        }
        if (r.PriceReadOn is null)
        {
            errors.Add("priceReadOn", "The date the list price was read is required.");
        }
        return errors;
    }

    private static void Required(ValidationErrors errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, $"{field} is required.");
        }
        else if (value.Trim().Length > 200)
        {
            errors.Add(field, $"{field} has at most 200 characters.");
        }
    }
}
