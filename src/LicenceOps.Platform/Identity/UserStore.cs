using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http.Paging;

namespace LicenceOps.Platform.Identity;

public sealed class UserStore(ModuleDatabase<IdentityModule> database)
{
    private const string Columns =
        "id AS Id, email AS Email, display_name AS DisplayName, password_hash AS PasswordHash, role AS Role, " +
        "tenant_id AS TenantId, is_active AS IsActive, created_at AS CreatedAt, updated_at AS UpdatedAt, security_stamp AS SecurityStamp";

    public Task<UserRecord?> FindByEmailAsync(string email, CancellationToken ct) =>
        database.QuerySingleOrDefaultAsync<UserRecord>($"SELECT {Columns} FROM users WHERE email = @email", new { email = Normalize(email) }, ct);

    public Task<UserRecord?> FindAsync(Guid id, CancellationToken ct) =>
        database.QuerySingleOrDefaultAsync<UserRecord>($"SELECT {Columns} FROM users WHERE id = @id", new { id }, ct);

    /// <summary>E-mails are unique (normalised), so they alone order users totally.</summary>
    private static readonly Keyset<UserRecord> ByEmail = new("users", SortKey.Asc<UserRecord>("email", u => u.Email));

    public Task<Page<UserRecord>> ListAsync(Guid? tenantId, PageRequest page, CancellationToken ct) =>
        ByEmail.ReadAsync(database, $"SELECT {Columns} FROM users", "@tenantId IS NULL OR tenant_id = @tenantId", new { tenantId }, page, ct);

    /// <returns>false when the e-mail is already taken.</returns>
    public static async Task<bool> InsertAsync(UnitOfWork unit, UserRecord user)
    {
        var inserted = await unit.ExecuteAsync(
            """
            INSERT INTO users (id, email, display_name, password_hash, role, tenant_id, is_active, created_at, updated_at, security_stamp)
            SELECT @Id, @Email, @DisplayName, @PasswordHash, @Role, @TenantId, @IsActive, @CreatedAt, @UpdatedAt, @SecurityStamp
            WHERE NOT EXISTS (SELECT 1 FROM users WHERE email = @Email)
            """,
            user with { Email = Normalize(user.Email) });
        return inserted == 1;
    }

    public static string Normalize(string email) => email.Trim().ToLowerInvariant();
}
