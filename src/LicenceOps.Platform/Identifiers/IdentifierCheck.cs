namespace LicenceOps.Platform.Identifiers;

/// <summary>Outcome of checking an identifier: the normalised value, or why it is not valid.</summary>
public sealed record IdentifierCheck(string Normalized, string? Error)
{
    public bool IsValid => Error is null;

    public static IdentifierCheck Valid(string normalized) => new(normalized, null);

    public static IdentifierCheck Invalid(string normalized, string error) => new(normalized, error);
}
