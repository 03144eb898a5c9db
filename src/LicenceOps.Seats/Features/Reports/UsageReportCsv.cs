using System.Globalization;
using System.Text;
using CsvHelper;
using LicenceOps.Seats.Domain.Reports;

namespace LicenceOps.Seats.Features.Reports;

/// <summary>
/// The usage report as one CSV row per month, product and department, plus a "total" row per product and per month.
/// Column names are fixed (a spreadsheet or script reads them whatever the language); numbers are invariant (decimal
/// point), amounts in euros excl. VAT, rates 0..1; names that a spreadsheet would run as a formula are escaped.
/// </summary>
public static class UsageReportCsv
{
    public const string TotalRow = "total";

    public static readonly string[] Header =
    [
        "month", "vendor", "product", "department_id", "department", "purchased", "assigned", "active", "inactive", "adoption_rate",
        "cost_eur", "cost_per_active_user_eur", "reclaimable_seats", "monthly_saving_eur", "seat_days",
    ];

    public static byte[] Write(UsageReportResponse report)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(writer, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true))
        {
            csv.WriteRecord(Header);
            foreach (var month in report.Months)
            {
                foreach (var product in month.Products)
                {
                    foreach (var d in product.Departments)
                    {
                        csv.WriteRecord(
                        [
                            month.Month, product.Vendor, product.Product, d.DepartmentId?.ToString("D") ?? d.Key, d.Name, "", Int(d.Assigned),
                            Int(d.Active), Int(d.Inactive), "", Amount(d.CostEur), Amount(d.CostPerActiveUserEur), "", "",
                            d.SeatDays.ToString(CultureInfo.InvariantCulture),
                        ]);
                    }

                    csv.WriteRecord(Figures(month.Month, product.Vendor, product.Product, product.Figures));
                }

                csv.WriteRecord(Figures(month.Month, TotalRow, TotalRow, month.Totals));
            }
        }

        return Encoding.UTF8.GetBytes(writer.ToString());
    }

    private static string[] Figures(string month, string vendor, string product, UsageFigures f) =>
    [
        month, vendor, product, TotalRow, TotalRow, Int(f.Purchased), Int(f.Assigned), Int(f.Active), Int(f.Inactive),
        f.AdoptionRate?.ToString("0.####", CultureInfo.InvariantCulture) ?? "", Amount(f.CostEur), Amount(f.CostPerActiveUserEur),
        Int(f.ReclaimableSeats), Amount(f.MonthlySavingEur), "",
    ];

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Amount(decimal? value) => value?.ToString("0.00", CultureInfo.InvariantCulture) ?? "";
}
