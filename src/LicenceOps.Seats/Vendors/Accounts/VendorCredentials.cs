using LicenceOps.Platform.Data;
using LicenceOps.Seats.Shared;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace LicenceOps.Seats.Vendors.Accounts;

/// <summary>
/// Encrypts vendor credentials at rest with ASP.NET Core Data Protection. The key ring lives in the data directory
/// ("keys") or Seats:CredentialKeyDirectory; several hosts must share that directory (or the lead's chosen key store)
/// to read each other's credentials. A credential leaves this class only inside a <see cref="VendorSecret"/>.
/// The provider is Seats' own, not the process-wide Data Protection registration: another module (the Portal's
/// cookies) configuring its key ring must never decide where vendor credentials' keys live, or a host started with a
/// different module set could no longer decrypt them.
/// </summary>
public sealed class VendorCredentials(IDataProtectionProvider provider)
{
    private readonly IDataProtector protector = provider.CreateProtector("LicenceOps.Seats.VendorCredentials.v1");

    public static void AddTo(IServiceCollection services, string keyDirectory)
    {
        services.AddSingleton(_ =>
        {
            Directory.CreateDirectory(keyDirectory);
            return new VendorCredentials(DataProtectionProvider.Create(new DirectoryInfo(keyDirectory),
                builder => builder.SetApplicationName("LicenceOps.Seats")));
        });
    }

    public string Protect(string secret) => protector.Protect(secret);

    public VendorSecret Unprotect(string? payload)
    {
        if (string.IsNullOrEmpty(payload))
        {
            return VendorSecret.None;
        }
        try
        {
            return new VendorSecret(protector.Unprotect(payload));
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            throw new VendorConnectorException(
                "The stored vendor credential cannot be decrypted: the Data Protection key ring changed. Enter the credential again.");
        }
    }

    public VendorConnection ToConnection(VendorAccountRow row) =>
        new(row.Id, row.Connector, row.DisplayName, row.BaseAddress is null ? null : new Uri(row.BaseAddress), row.SettingsMap(),
            Unprotect(row.ProtectedSecret));

    /// <summary>The vendor workspace of a subscription with its connected vendor account, for the connectors.</summary>
    internal async Task<VendorAccount> AccountOfAsync(UnitOfWork uow, SubscriptionRow sub)
    {
        var row = await uow.QuerySingleOrDefaultAsync<VendorAccountRow>(
            VendorAccountRow.SelectSql + " WHERE id = (SELECT connected_account_id FROM subscriptions WHERE id = @id) AND tenant_id = @tenantId",
            new { id = sub.Id, tenantId = sub.TenantId });
        return new VendorAccount(sub.TenantId, sub.Id, sub.VendorCode, sub.VendorName, sub.PlanName, sub.VendorAccountId,
            row is null ? null : ToConnection(row));
    }
}
