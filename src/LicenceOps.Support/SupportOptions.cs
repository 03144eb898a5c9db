using LicenceOps.Support.Domain;

namespace LicenceOps.Support;

/// <summary>Settings section <c>Support</c>.</summary>
public sealed class SupportOptions
{
    public const string SectionName = "Support";

    /// <summary>The hotline's address: sender of acknowledgements and agent replies, and where clients write.</summary>
    public string Mailbox { get; set; } = "LicenceOps Support <support@licenceops.local>";

    /// <summary>
    /// Shared secret the mail provider's inbound route sends in the X-LicenceOps-Inbound-Secret header. Generated once
    /// into &lt;data&gt;/secrets/support-inbound.key in the embedded mode when not configured.
    /// </summary>
    public string? InboundSecret { get; set; }

    /// <summary>Larger raw messages are refused with 413 and nothing is stored.</summary>
    public long MaxInboundBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Who hears about breached SLAs (the hotline lead); no escalation mail when empty.</summary>
    public string? EscalationEmail { get; set; }

    public string BusinessHoursOpen { get; set; } = "09:00";

    public string BusinessHoursClose { get; set; } = "18:00";

    /// <summary>"At risk" once less than this share of a target's business time remains.</summary>
    public double AtRiskFraction { get; set; } = 0.25;

    public Dictionary<string, SlaTarget> Sla { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        [TicketPriorities.Urgent] = new SlaTarget(1, 8),
        [TicketPriorities.High] = new SlaTarget(4, 18),
        [TicketPriorities.Normal] = new SlaTarget(8, 45),
        [TicketPriorities.Low] = new SlaTarget(18, 90),
    };

    public ImapSettings Imap { get; set; } = new();

    public SlaTarget TargetFor(string priority) =>
        Sla.TryGetValue(priority, out var target) ? target : Sla[TicketPriorities.Normal];

    public SlaCalendar Calendar() => new(TimeOnly.Parse(BusinessHoursOpen, System.Globalization.CultureInfo.InvariantCulture),
        TimeOnly.Parse(BusinessHoursClose, System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>Optional mailbox polled by a job, for providers without an inbound HTTP route.</summary>
public sealed class ImapSettings
{
    public string? Host { get; set; }

    public int Port { get; set; } = 993;

    /// <summary>SslOnConnect (993), StartTls, or None.</summary>
    public string Security { get; set; } = "SslOnConnect";

    public string? Username { get; set; }

    /// <summary>SHA-256 fingerprint of the IMAP server's certificate, to trust a self-signed one (see CertificatePin).</summary>
    public string? TrustedCertificateSha256 { get; set; }

    public string? Password { get; set; }

    public string Folder { get; set; } = "INBOX";

    public bool Configured => !string.IsNullOrWhiteSpace(Host);
}
