namespace LicenceOps.Tenants.Domain;

/// <summary>
/// Tenant lifecycle: active ⇄ suspended (reactivate), active|suspended → offboarded (final).
/// Stored and published as the lower-case names below.
/// </summary>
public static class TenantStatus
{
    public const string Active = "active";
    public const string Suspended = "suspended";
    public const string Offboarded = "offboarded";

    public static readonly IReadOnlyList<string> All = [Active, Suspended, Offboarded];

    /// <summary>Null when the transition is allowed; otherwise why it is not.</summary>
    public static string? RefuseTransition(string from, string to) => (from, to) switch
    {
        (Active, Suspended) or (Suspended, Active) or (Active, Offboarded) or (Suspended, Offboarded) => null,
        (Offboarded, _) => "The tenant is offboarded; offboarding is final.",
        _ when from == to => $"The tenant is already {to}.",
        _ => $"A tenant cannot go from {from} to {to}.",
    };

    public static bool AcceptsChanges(string status) => status != Offboarded;
}
