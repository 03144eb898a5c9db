namespace LicenceOps.Platform;

/// <summary>
/// Business dates (employment start and end, invoice and due dates) are French calendar dates, whatever the
/// server's time zone: "today" is the date in Europe/Paris.
/// </summary>
public static class ParisCalendar
{
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    public static DateOnly Today(TimeProvider time) => DateOf(time.GetUtcNow());

    public static DateOnly DateOf(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);
}
