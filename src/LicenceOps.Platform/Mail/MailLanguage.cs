using System.Net;
using System.Text;

namespace LicenceOps.Platform.Mail;

/// <summary>Templates exist in French and English; clients in French-speaking countries get French.</summary>
public enum MailLanguage
{
    French,
    English,
}

public static class MailLanguages
{
    private static readonly HashSet<string> FrenchSpeaking = new(StringComparer.OrdinalIgnoreCase) { "FR", "BE", "LU", "MC", "CH" };

    public static MailLanguage ForCountry(string? countryCode) =>
        countryCode is not null && FrenchSpeaking.Contains(countryCode) ? MailLanguage.French : MailLanguage.English;

    public static MailLanguage Parse(string? value) =>
        value is not null && value.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? MailLanguage.English : MailLanguage.French;

    public static string Code(this MailLanguage language) => language == MailLanguage.French ? "fr" : "en";
}

/// <summary>Plain paragraphs to the two bodies of a message: text, and minimal escaped HTML.</summary>
public static class MailBody
{
    public static string Text(IEnumerable<string> paragraphs) => string.Join("\n\n", paragraphs) + "\n";

    public static string Html(IEnumerable<string> paragraphs)
    {
        var html = new StringBuilder("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">");
        foreach (var paragraph in paragraphs)
        {
            html.Append("<p>").Append(WebUtility.HtmlEncode(paragraph).Replace("\n", "<br>", StringComparison.Ordinal)).Append("</p>");
        }

        return html.Append("</body></html>").ToString();
    }
}
