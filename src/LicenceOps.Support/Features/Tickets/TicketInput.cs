using LicenceOps.Platform.Http;
using LicenceOps.Platform.Mail;
using LicenceOps.Support.Domain;

namespace LicenceOps.Support.Features.Tickets;

/// <summary>Field rules shared by the ticket features.</summary>
internal static class TicketInput
{
    public const int MaxSubject = 300;
    public const int MaxBody = 100_000;
    public const int MaxTags = 20;

    public static void Subject(ValidationErrors errors, string? subject)
    {
        errors.Required("subject", subject);
        if (subject is { Length: > MaxSubject })
        {
            errors.Add("subject", $"subject is at most {MaxSubject} characters.");
        }
    }

    public static void Body(ValidationErrors errors, string? body)
    {
        errors.Required("body", body);
        if (body is { Length: > MaxBody })
        {
            errors.Add("body", $"body is at most {MaxBody} characters.");
        }
    }

    public static void OneOf(ValidationErrors errors, string field, string? value, IReadOnlyList<string> allowed)
    {
        if (value is not null && !allowed.Contains(value))
        {
            errors.Add(field, $"{field} must be one of: {string.Join(", ", allowed)}.");
        }
    }

    public static void Email(ValidationErrors errors, string field, string? value)
    {
        errors.Required(field, value);
        if (!string.IsNullOrWhiteSpace(value) && !MailQueue.IsAddress(value))
        {
            errors.Add(field, $"{field} is not an e-mail address.");
        }
    }

    public static IReadOnlyList<string> Tags(ValidationErrors errors, IReadOnlyList<string>? tags)
    {
        var clean = (tags ?? []).Select(t => t?.Trim().ToLowerInvariant() ?? "").ToList();
        if (clean.Count > MaxTags)
        {
            errors.Add("tags", $"At most {MaxTags} tags.");
        }

        if (clean.Any(t => t.Length is 0 or > 40 || t.Any(c => !(char.IsLetterOrDigit(c) || c is '-' or '_' or ':'))))
        {
            errors.Add("tags", "A tag is 1 to 40 letters, digits, '-', '_' or ':'.");
        }

        return clean.Distinct().ToList();
    }
}
