using System.Globalization;

namespace LicenceOps.Billing.Features.Invoicing;

public static class InvoiceKinds
{
    public const string Invoice = "invoice";
    public const string CreditNote = "credit-note";

    /// <summary>UNTDID 1001 document type codes used by EN 16931.</summary>
    public static string TypeCode(string kind) => kind == CreditNote ? "381" : "380";
}

/// <summary>
/// Two gapless series that never restart: invoices "F-2026-000001", credit notes "AV-2026-000001".
/// The year is the issue year, for readability only; the counter alone carries the sequence.
/// </summary>
public static class InvoiceNumbering
{
    public static string SeriesOf(string kind) => kind switch
    {
        InvoiceKinds.Invoice => "F",
        InvoiceKinds.CreditNote => "AV",
        _ => throw new ArgumentException($"Unknown document kind \"{kind}\".", nameof(kind)),
    };

    public static string Format(string kind, DateOnly issueDate, long sequence) =>
        sequence is < 1 or > 999_999_999
            ? throw new ArgumentOutOfRangeException(nameof(sequence), "Sequences start at 1.")
            : string.Create(CultureInfo.InvariantCulture, $"{SeriesOf(kind)}-{issueDate.Year:D4}-{sequence:D6}");
}
