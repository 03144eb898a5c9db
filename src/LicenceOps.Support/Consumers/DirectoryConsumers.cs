using LicenceOps.Contracts.Tenants;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Messaging;

namespace LicenceOps.Support.Consumers;

/// <summary>Support's copy of the tenant profile (name, country for the language, billing address); newer wins.</summary>
public sealed class SupportTenantProfileConsumer(ModuleDatabase<SupportModule> database)
    : ModuleConsumer<SupportModule, TenantProfileChanged>(database)
{
    protected override async Task HandleAsync(TenantProfileChanged m, UnitOfWork uow, CancellationToken ct)
    {
        await uow.ApplyNewerAsync(
            """
            UPDATE support_tenants SET legal_name = @LegalName, country_code = @CountryCode, billing_email = @BillingEmail,
                status = @Status, profile_at = @OccurredAt
            WHERE tenant_id = @TenantId AND profile_at <= @OccurredAt
            """,
            """
            INSERT INTO support_tenants (tenant_id, legal_name, country_code, billing_email, status, profile_at)
            SELECT @TenantId, @LegalName, @CountryCode, @BillingEmail, @Status, @OccurredAt
            WHERE NOT EXISTS (SELECT 1 FROM support_tenants WHERE tenant_id = @TenantId)
            """,
            m);
    }
}

/// <summary>
/// The domains each tenant owns, to recognise a sender nobody recorded as a person. The message carries the whole
/// set; an older set arriving late is ignored (domains_at on the tenant row, created empty when the profile lags).
/// </summary>
public sealed class SupportTenantDomainsConsumer(ModuleDatabase<SupportModule> database)
    : ModuleConsumer<SupportModule, TenantEmailDomainsChanged>(database)
{
    protected override async Task HandleAsync(TenantEmailDomainsChanged m, UnitOfWork uow, CancellationToken ct)
    {
        await uow.ExecuteAsync(
            """
            INSERT INTO support_tenants (tenant_id, legal_name, country_code, billing_email, status, profile_at)
            SELECT @TenantId, '', 'FR', '', 'unknown', @epoch
            WHERE NOT EXISTS (SELECT 1 FROM support_tenants WHERE tenant_id = @TenantId)
            """,
            new { m.TenantId, epoch = DateTimeOffset.UnixEpoch });
        var newer = await uow.ExecuteAsync(
            "UPDATE support_tenants SET domains_at = @OccurredAt WHERE tenant_id = @TenantId AND (domains_at IS NULL OR domains_at <= @OccurredAt)",
            new { m.TenantId, m.OccurredAt });
        if (newer == 0)
        {
            return;
        }

        await uow.ExecuteAsync("DELETE FROM support_tenant_domains WHERE tenant_id = @TenantId", new { m.TenantId });
        foreach (var domain in m.Domains.Select(d => d.Trim().ToLowerInvariant()).Distinct())
        {
            // A domain moved between tenants: the newest owner takes it.
            await uow.ExecuteAsync("DELETE FROM support_tenant_domains WHERE domain = @domain", new { domain });
            await uow.ExecuteAsync("INSERT INTO support_tenant_domains (domain, tenant_id) VALUES (@domain, @TenantId)", new { domain, m.TenantId });
        }
    }
}

/// <summary>People by e-mail address, kept after they leave so their old mail still finds the tenant.</summary>
public abstract class SupportPersonConsumer<T>(ModuleDatabase<SupportModule> database) : ModuleConsumer<SupportModule, T>(database)
    where T : class
{
    protected static async Task UpsertAsync(UnitOfWork uow, Guid personId, Guid tenantId, string email, string? displayName, string status, DateTimeOffset at)
    {
        var args = new { personId, tenantId, email = email.Trim().ToLowerInvariant(), displayName, status, at };
        await uow.ApplyNewerAsync(
            """
            UPDATE support_people SET tenant_id = @tenantId, email = @email, display_name = COALESCE(@displayName, display_name),
                status = @status, occurred_at = @at
            WHERE person_id = @personId AND occurred_at <= @at
            """,
            """
            INSERT INTO support_people (person_id, tenant_id, email, display_name, status, occurred_at)
            SELECT @personId, @tenantId, @email, @displayName, @status, @at
            WHERE NOT EXISTS (SELECT 1 FROM support_people WHERE person_id = @personId)
            """,
            args);
    }
}

public sealed class SupportPersonJoinedConsumer(ModuleDatabase<SupportModule> database) : SupportPersonConsumer<PersonJoined>(database)
{
    protected override Task HandleAsync(PersonJoined m, UnitOfWork uow, CancellationToken ct) =>
        UpsertAsync(uow, m.PersonId, m.TenantId, m.Email, m.DisplayName, "active", m.OccurredAt);
}

/// <summary>A new name, for the greeting of the person's mail; Support's statuses know no "joining" (a joiner is active here).</summary>
public sealed class SupportPersonRenamedConsumer(ModuleDatabase<SupportModule> database) : SupportPersonConsumer<PersonRenamed>(database)
{
    protected override Task HandleAsync(PersonRenamed m, UnitOfWork uow, CancellationToken ct) =>
        UpsertAsync(uow, m.PersonId, m.TenantId, m.Email, m.DisplayName, m.Status == "joining" ? "active" : m.Status, m.OccurredAt);
}

public sealed class SupportPersonLeavingConsumer(ModuleDatabase<SupportModule> database) : SupportPersonConsumer<PersonLeaving>(database)
{
    protected override Task HandleAsync(PersonLeaving m, UnitOfWork uow, CancellationToken ct) =>
        UpsertAsync(uow, m.PersonId, m.TenantId, m.Email, null, "leaving", m.OccurredAt);
}

public sealed class SupportPersonLeftConsumer(ModuleDatabase<SupportModule> database) : SupportPersonConsumer<PersonLeft>(database)
{
    protected override Task HandleAsync(PersonLeft m, UnitOfWork uow, CancellationToken ct) =>
        UpsertAsync(uow, m.PersonId, m.TenantId, m.Email, null, "left", m.OccurredAt);
}

/// <summary>Which tenant a seat belongs to; a seat never changes tenant, so the first message is the truth.</summary>
public sealed class SupportSeatAssignedConsumer(ModuleDatabase<SupportModule> database)
    : ModuleConsumer<SupportModule, LicenceOps.Contracts.Seats.SeatAssigned>(database)
{
    protected override async Task HandleAsync(LicenceOps.Contracts.Seats.SeatAssigned m, UnitOfWork uow, CancellationToken ct) =>
        await uow.ExecuteAsync(
            """
            INSERT INTO support_seats (seat_id, tenant_id, person_id, occurred_at)
            SELECT @SeatId, @TenantId, @PersonId, @OccurredAt
            WHERE NOT EXISTS (SELECT 1 FROM support_seats WHERE seat_id = @SeatId)
            """,
            m);
}
