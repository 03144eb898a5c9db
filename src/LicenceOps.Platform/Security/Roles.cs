namespace LicenceOps.Platform.Security;

public static class Roles
{
    public const string StaffAdmin = "staff-admin";
    public const string StaffAgent = "staff-agent";
    public const string StaffBilling = "staff-billing";
    public const string ClientAdmin = "client-admin";
    public const string ClientViewer = "client-viewer";

    public static IReadOnlyList<string> Staff { get; } = [StaffAdmin, StaffAgent, StaffBilling];

    public static IReadOnlyList<string> Client { get; } = [ClientAdmin, ClientViewer];

    public static IReadOnlyList<string> All { get; } = [.. Staff, .. Client];

    public static bool IsStaff(string role) => Staff.Contains(role);

    public static bool IsClient(string role) => Client.Contains(role);
}

public static class Policies
{
    /// <summary>Any reseller staff role.</summary>
    public const string Staff = "staff";

    public const string StaffAdmin = "staff-admin";

    /// <summary>staff-admin or staff-billing.</summary>
    public const string Billing = "billing";
}

/// <summary>Claim names carried by LicenceOps tokens.</summary>
public static class LicenceOpsClaims
{
    public const string Subject = "sub";
    public const string Email = "email";
    public const string Name = "name";
    public const string Role = "role";
    public const string TenantId = "tenant_id";

    /// <summary>The user's security stamp when the token was issued; checked against the current one on each request.</summary>
    public const string SecurityStamp = "stamp";
}
