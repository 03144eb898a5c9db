namespace LicenceOps.Platform.Identity;

public sealed record UserRecord(
    Guid Id,
    string Email,
    string DisplayName,
    string PasswordHash,
    string Role,
    Guid? TenantId,
    bool IsActive,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string SecurityStamp)
{
    /// <summary>A fresh random stamp: every token signed with the previous one stops working.</summary>
    public static string NewSecurityStamp() => Guid.NewGuid().ToString("N");
}

/// <summary>What the API shows of a user: never the password hash.</summary>
public sealed record UserView(Guid Id, string Email, string DisplayName, string Role, Guid? TenantId, bool IsActive, DateTimeOffset CreatedAt)
{
    public static UserView From(UserRecord user) =>
        new(user.Id, user.Email, user.DisplayName, user.Role, user.TenantId, user.IsActive, user.CreatedAt);
}
