namespace LicenceOps.Support.Domain;

public static class TicketStatuses
{
    public const string New = "new";
    public const string Open = "open";
    public const string WaitingOnCustomer = "waiting_on_customer";
    public const string Resolved = "resolved";
    public const string Closed = "closed";

    public static IReadOnlyList<string> All { get; } = [New, Open, WaitingOnCustomer, Resolved, Closed];

    /// <summary>Statuses in which the hotline still owes the client something, so SLA clocks run.</summary>
    public static bool IsActive(string status) => status is New or Open or WaitingOnCustomer;
}

public static class TicketPriorities
{
    public const string Low = "low";
    public const string Normal = "normal";
    public const string High = "high";
    public const string Urgent = "urgent";

    public static IReadOnlyList<string> All { get; } = [Low, Normal, High, Urgent];
}

public static class TicketCategories
{
    public const string AccessOrActivation = "access_or_activation";
    public const string SeatRequest = "seat_request";
    public const string BillingQuestion = "billing_question";
    public const string HowTo = "how_to";
    public const string Other = "other";

    public static IReadOnlyList<string> All { get; } = [AccessOrActivation, SeatRequest, BillingQuestion, HowTo, Other];
}

public static class TicketSources
{
    public const string Email = "email";
    public const string Api = "api";
    public const string Event = "event";
}

/// <summary>What a conversation entry is: mail or portal message from the client, agent reply, or a note clients never see.</summary>
public static class MessageKinds
{
    public const string Inbound = "inbound";
    public const string Outbound = "outbound";
    public const string Note = "note";
}

public static class SlaStates
{
    public const string Ok = "ok";
    public const string AtRisk = "at_risk";
    public const string Breached = "breached";
    public const string Met = "met";
}

/// <summary>Ticket numbers as clients see them ("T-123") and as subject tags ("[#T-123]").</summary>
public static class TicketNumbers
{
    public static string Format(long number) => $"T-{number}";

    public static string Tag(long number) => $"[#T-{number}]";

    /// <summary>The subject with exactly one tag in front, whatever "Re:"/"TR:" the client's mailer added.</summary>
    public static string TaggedSubject(long number, string subject)
    {
        var clean = System.Text.RegularExpressions.Regex.Replace(subject, @"\[#T-\d+\]\s*", "").Trim();
        return $"{Tag(number)} {clean}";
    }

    public static long? FromSubject(string? subject)
    {
        var match = System.Text.RegularExpressions.Regex.Match(subject ?? "", @"\[#T-(\d{1,18})\]");
        return match.Success && long.TryParse(match.Groups[1].Value, out var number) ? number : null;
    }
}
