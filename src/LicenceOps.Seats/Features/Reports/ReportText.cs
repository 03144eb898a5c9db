using System.Globalization;

namespace LicenceOps.Seats.Features.Reports;

/// <summary>The report's words in French (the default: our clients are French companies) and English (on request).</summary>
public sealed class ReportText
{
    public static readonly ReportText French = new("fr", new Dictionary<string, string>
    {
        ["title"] = "Rapport d'utilisation des licences IA",
        ["period"] = "Période",
        ["generated"] = "Établi le",
        ["month"] = "Mois",
        ["product"] = "Produit",
        ["vendor"] = "Éditeur",
        ["department"] = "Service",
        ["purchased"] = "Sièges achetés",
        ["assigned"] = "Attribués",
        ["active"] = "Actifs",
        ["inactive"] = "Inactifs",
        ["adoption"] = "Taux d'adoption",
        ["cost"] = "Coût facturé HT",
        ["costPerActive"] = "Coût par utilisateur actif",
        ["reclaimable"] = "Sièges récupérables",
        ["saving"] = "Économie mensuelle possible",
        ["overlaps"] = "Personnes cumulant des outils similaires",
        ["activeDays"] = "jours d'activité",
        ["trend"] = "Tendance",
        ["adoptionChart"] = "Adoption par mois",
        ["costChart"] = "Coût facturé par mois (€ HT)",
        ["total"] = "Total",
        ["unallocated"] = "Facturé hors abonnement",
        ["department.none"] = "Sans service",
        ["department.unassigned"] = "Sièges non attribués",
        ["page"] = "Page",
        ["noOverlap"] = "Aucun cumul sur le mois.",
        ["points"] = "points",
    });

    public static readonly ReportText English = new("en", new Dictionary<string, string>
    {
        ["title"] = "AI licence usage report",
        ["period"] = "Period",
        ["generated"] = "Produced on",
        ["month"] = "Month",
        ["product"] = "Product",
        ["vendor"] = "Vendor",
        ["department"] = "Department",
        ["purchased"] = "Seats purchased",
        ["assigned"] = "Assigned",
        ["active"] = "Active",
        ["inactive"] = "Inactive",
        ["adoption"] = "Adoption rate",
        ["cost"] = "Cost invoiced excl. VAT",
        ["costPerActive"] = "Cost per active user",
        ["reclaimable"] = "Reclaimable seats",
        ["saving"] = "Possible monthly saving",
        ["overlaps"] = "People holding similar tools",
        ["activeDays"] = "active days",
        ["trend"] = "Trend",
        ["adoptionChart"] = "Adoption per month",
        ["costChart"] = "Cost invoiced per month (EUR excl. VAT)",
        ["total"] = "Total",
        ["unallocated"] = "Invoiced outside subscriptions",
        ["department.none"] = "No department",
        ["department.unassigned"] = "Unassigned seats",
        ["page"] = "Page",
        ["noOverlap"] = "No overlap this month.",
        ["points"] = "points",
    });

    private readonly IReadOnlyDictionary<string, string> words;

    private ReportText(string language, IReadOnlyDictionary<string, string> words)
    {
        Language = language;
        this.words = words;
    }

    public string Language { get; }

    public string this[string key] => words[key];

    public static ReportText? For(string? language) => language?.ToLowerInvariant() switch
    {
        null or "" or "fr" => French,
        "en" => English,
        _ => null,
    };

    // Fixed formats rather than the machine's ICU data, so a printed report reads the same on every server.
    private static readonly NumberFormatInfo FrenchNumbers = new()
    {
        NumberDecimalSeparator = ",", NumberGroupSeparator = "\u00A0", NumberGroupSizes = [3], NegativeSign = "-",
    };

    private static readonly string[] FrenchMonths =
        ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];

    private static readonly string[] EnglishMonths =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    private NumberFormatInfo Numbers => Language == "fr" ? FrenchNumbers : NumberFormatInfo.InvariantInfo;

    /// <summary>"1 234,50 €" in French, "€1,234.50" in English.</summary>
    public string Money(decimal amount)
    {
        var number = Cents(amount).ToString("#,##0.00", Numbers);
        return Language == "fr" ? number + "\u00A0€" : (amount < 0 ? "-€" + number.TrimStart('-') : "€" + number);
    }

    public string Number(decimal value) => value.ToString("#,##0.##", Numbers);

    private static decimal Cents(decimal amount) => decimal.Round(amount, 2, MidpointRounding.AwayFromZero);

    public string Money(decimal? amount) => amount is { } value ? Money(value) : "–";

    /// <summary>A rate 0..1 as a percentage with one decimal.</summary>
    public string Percent(decimal? rate) => rate is { } value ? (value * 100m).ToString("0.0", Numbers) + (Language == "fr" ? "\u00A0%" : "%") : "–";

    public string Month(string yearMonth)
    {
        var date = DateOnly.ParseExact(yearMonth + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
        return (Language == "fr" ? FrenchMonths : EnglishMonths)[date.Month - 1] + " " + date.Year.ToString(CultureInfo.InvariantCulture);
    }
}
