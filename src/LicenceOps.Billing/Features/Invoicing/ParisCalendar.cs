namespace LicenceOps.Billing.Features.Invoicing;

/// <summary>Invoice dates are French calendar dates, whatever the server's zone.</summary>
public static class ParisCalendar
{
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Zone).DateTime);
}
