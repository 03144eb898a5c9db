using LicenceOps.Contracts.Tenants;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Messaging;
using Microsoft.Extensions.Options;

namespace LicenceOps.Seats.Consumers;

/// <summary>
/// Keeps the tenant's e-mail domains for reconciliation: a member outside them holds a company seat with the wrong
/// account. The message carries the whole set; an older set arriving late is ignored (domains_at).
/// </summary>
public sealed class TenantDomainsConsumer(ModuleDatabase<SeatsModule> db, IOptions<SeatsOptions> options)
    : ModuleConsumer<SeatsModule, TenantEmailDomainsChanged>(db)
{
    protected override async Task HandleAsync(TenantEmailDomainsChanged message, UnitOfWork uow, CancellationToken ct)
    {
        var defaults = options.Value.Reconciliation;
        await uow.ExecuteAsync(
            """
            INSERT INTO tenant_reconciliation_policies (tenant_id, email_domains, domains_at, inactive_after_days, stale_invite_after_days, updated_at)
            SELECT @TenantId, '', NULL, @inactive, @stale, @now
            WHERE NOT EXISTS (SELECT 1 FROM tenant_reconciliation_policies WHERE tenant_id = @TenantId)
            """,
            new { message.TenantId, inactive = defaults.InactiveAfterDays, stale = defaults.StaleInviteAfterDays, now = uow.Now });
        var domains = string.Join(' ', message.Domains.Select(d => d.Trim().ToLowerInvariant()).Where(d => d.Length > 0).Distinct().Order(StringComparer.Ordinal));
        await uow.ExecuteAsync(
            """
            UPDATE tenant_reconciliation_policies SET email_domains = @domains, domains_at = @OccurredAt, updated_at = @now
            WHERE tenant_id = @TenantId AND (domains_at IS NULL OR domains_at <= @OccurredAt)
            """,
            new { message.TenantId, domains, message.OccurredAt, now = uow.Now });
    }
}
