namespace LicenceOps.Tenants.Features.People.ImportPeople;

/// <summary>
/// One well-formed data row of an HR export. <see cref="Row"/> is the spreadsheet row (the header is row 1).
/// <see cref="EndDate"/> makes it a leaver row: the import records the leave with that last day.
/// </summary>
public sealed record PersonCsvRow(
    int Row,
    string Email,
    string FirstName,
    string LastName,
    string? Department,
    string? ManagerEmail,
    DateOnly StartDate,
    bool External,
    DateOnly? EndDate = null);

/// <summary>What is wrong with one field of one row; <see cref="Row"/> 1 is the header.</summary>
public sealed record RowError(int Row, string Field, string Message);
