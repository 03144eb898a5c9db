using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace LicenceOps.Billing.Features.Invoicing;

/// <summary>A calendar month invoiced as a whole, written "2026-10".</summary>
public readonly record struct BillingPeriod(int Year, int Month)
{
    public DateOnly Start => new(Year, Month, 1);
    public DateOnly End => Start.AddMonths(1).AddDays(-1);
    public int Days => DateTime.DaysInMonth(Year, Month);

    public BillingPeriod Previous() => FromDate(Start.AddMonths(-1));

    public static BillingPeriod FromDate(DateOnly date) => new(date.Year, date.Month);

    public static bool TryParse(string? text, [NotNullWhen(true)] out BillingPeriod? period)
    {
        period = null;
        if (text is null || !DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first)
            || first.Year < 2000)
        {
            return false;
        }

        period = FromDate(first);
        return true;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month:D2}");
}
