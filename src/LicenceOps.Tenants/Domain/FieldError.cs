namespace LicenceOps.Tenants.Domain;

/// <summary>One invalid input field, named as the JSON path the client sent (e.g. "billingAddress.city").</summary>
public sealed record FieldError(string Field, string Message);
