namespace LicenceOps.Tenants.Features.People;

/// <summary>Column names of the HR people export we import, and of our own export (which re-imports as-is).</summary>
public static class PeopleCsvColumns
{
    public const string Email = "email";
    public const string FirstName = "first_name";
    public const string LastName = "last_name";
    public const string Department = "department";
    public const string ManagerEmail = "manager_email";
    public const string StartDate = "start_date";
    public const string External = "external";

    /// <summary>On import, "active", "joining" or empty; any other status (a leave) refuses the row.</summary>
    public const string Status = "status";

    /// <summary>On import, empty; an end date (a leave) refuses the row.</summary>
    public const string EndDate = "end_date";

    public static readonly IReadOnlyList<string> Required = [Email, FirstName, LastName, Department, ManagerEmail, StartDate, External];
}
