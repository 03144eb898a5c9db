using System.Text.RegularExpressions;

namespace LicenceOps.Tenants.Domain;

/// <summary>Email addresses and the domains tenants own, normalised to lower case.</summary>
public static class EmailAddress
{
    // Deliberately plain: one @, no spaces, a dotted domain of letters/digits/hyphens. Enough to catch HR typos.
    private static readonly Regex Shape = new(
        @"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$",
        RegexOptions.ECMAScript);

    private static readonly Regex DomainShape = new(
        @"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
        RegexOptions.ECMAScript);

    public static string Normalize(string email) => email.Trim().ToLowerInvariant();

    public static bool IsValid(string email) => email.Length <= 254 && Shape.IsMatch(email.Trim());

    public static string DomainOf(string normalizedEmail) => normalizedEmail[(normalizedEmail.LastIndexOf('@') + 1)..];

    /// <summary>Lower case, without a leading "@" people often type.</summary>
    public static string NormalizeDomain(string domain) => domain.Trim().TrimStart('@').ToLowerInvariant();

    public static bool IsValidDomain(string normalizedDomain) =>
        normalizedDomain.Length <= 253 && DomainShape.IsMatch(normalizedDomain);

    public static bool BelongsTo(string normalizedEmail, IEnumerable<string> ownedDomains) =>
        ownedDomains.Contains(DomainOf(normalizedEmail), StringComparer.OrdinalIgnoreCase);
}
