using System.Security.Cryptography;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;

namespace LicenceOps.Platform.Identity;

/// <summary>
/// Creates the first staff admin (always, so a fresh install can be signed into) and the demo users (with demo data).
/// The password comes from LICENCEOPS_ADMIN_PASSWORD, or is generated and shown once.
/// </summary>
public sealed class IdentitySeeder(
    ModuleDatabase<IdentityModule> database,
    IPasswordHasher<UserRecord> hasher,
    IConfiguration configuration,
    SignInInstructions instructions)
{
    public const string AdminEmail = "admin@licenceops.local";

    public async Task EnsureAdminAsync(CancellationToken ct)
    {
        var password = configuration["LICENCEOPS_ADMIN_PASSWORD"] ?? configuration["Identity:AdminPassword"];
        var generated = string.IsNullOrWhiteSpace(password);
        password = generated ? GeneratePassword() : password!;

        var created = await database.WriteAsync(unit =>
            InsertAsync(unit, AdminEmail, "Reseller administrator", Roles.StaffAdmin, null, password), ct);
        if (created)
        {
            instructions.Add(AdminEmail, Roles.StaffAdmin, generated ? password : "(the value of LICENCEOPS_ADMIN_PASSWORD)");
            instructions.DemoPassword = password;
            instructions.PasswordWasGenerated = generated;
        }
    }

    public async Task SeedDemoUsersAsync(CancellationToken ct)
    {
        var password = instructions.DemoPassword;
        if (password is null)
        {
            // Only on the start that created the admin: later starts do not know (or re-show) the password.
            return;
        }

        (string Email, string Name, string Role, Guid? Tenant)[] demo =
        [
            ("agent@licenceops.local", "Support agent", Roles.StaffAgent, null),
            ("billing@licenceops.local", "Billing clerk", Roles.StaffBilling, null),
            ($"admin@{DemoData.AcmeDomain}", "Claire Martin (Acme IT)", Roles.ClientAdmin, DemoData.AcmeTenantId),
            ($"viewer@{DemoData.AcmeDomain}", "Paul Durand (Acme finance)", Roles.ClientViewer, DemoData.AcmeTenantId),
            ($"admin@{DemoData.NordwindDomain}", "Jonas Becker (Nordwind IT)", Roles.ClientAdmin, DemoData.NordwindTenantId),
        ];
        foreach (var user in demo)
        {
            var created = await database.WriteAsync(unit => InsertAsync(unit, user.Email, user.Name, user.Role, user.Tenant, password), ct);
            if (created)
            {
                instructions.Add(user.Email, user.Role, "same password as the admin");
            }
        }
    }

    private async Task<bool> InsertAsync(UnitOfWork unit, string email, string name, string role, Guid? tenantId, string password)
    {
        var user = new UserRecord(Guid.NewGuid(), email, name, string.Empty, role, tenantId, true, unit.Now, unit.Now, UserRecord.NewSecurityStamp());
        user = user with { PasswordHash = hasher.HashPassword(user, password) };
        if (!await UserStore.InsertAsync(unit, user))
        {
            return false;
        }

        await unit.AuditAsync("user", user.Id, "seeded", new { user.Email, user.Role, user.TenantId }, tenantId);
        return true;
    }

    private static string GeneratePassword() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', 'x').Replace('/', 'y');
}

/// <summary>What the start-up banner tells the person who just started the product.</summary>
public sealed class SignInInstructions
{
    private readonly List<(string Email, string Role, string Password)> accounts = [];

    public string? DemoPassword { get; set; }

    public bool PasswordWasGenerated { get; set; }

    public IReadOnlyList<(string Email, string Role, string Password)> Accounts => accounts;

    public void Add(string email, string role, string password) => accounts.Add((email, role, password));
}
