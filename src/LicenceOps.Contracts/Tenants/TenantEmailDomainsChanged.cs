namespace LicenceOps.Contracts.Tenants;

/// <summary>
/// The full current set of e-mail domains a tenant owns (a domain has one owner at most). Published by Tenants
/// whenever the set is written (tenant created or updated); Support maps inbound mail senders to tenants with it.
/// </summary>
public sealed record TenantEmailDomainsChanged(
    Guid TenantId,
    IReadOnlyList<string> Domains,
    DateTimeOffset OccurredAt);
