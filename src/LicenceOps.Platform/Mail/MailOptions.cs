namespace LicenceOps.Platform.Mail;

/// <summary>
/// Settings section <c>Mail</c>. Without <c>Mail:Smtp:Host</c> nothing leaves the machine: every message is
/// written as an .eml file to <see cref="PickupDirectory"/> (default: &lt;data directory&gt;/mail-pickup).
/// </summary>
public sealed class MailOptions
{
    public const string SectionName = "Mail";

    /// <summary>Default sender of every message, e.g. "Acme Reseller &lt;no-reply@reseller.example&gt;".</summary>
    public string From { get; set; } = "LicenceOps <no-reply@licenceops.local>";

    public SmtpSettings Smtp { get; set; } = new();

    public string? PickupDirectory { get; set; }

    /// <summary>Sending attempts before a message is marked failed for good (a 5xx refusal fails at once).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Back-off after the n-th failure: BaseBackoffSeconds * 2^(n-1), capped at MaxBackoffSeconds.</summary>
    public int BaseBackoffSeconds { get; set; } = 30;

    public int MaxBackoffSeconds { get; set; } = 3600;

    /// <summary>How often each module's queue is swept for due messages (real time).</summary>
    public double PollIntervalSeconds { get; set; } = 2;

    public bool SmtpConfigured => !string.IsNullOrWhiteSpace(Smtp.Host);
}

public sealed class SmtpSettings
{
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary>None, StartTls (required), StartTlsWhenAvailable, or SslOnConnect (implicit TLS, port 465).</summary>
    public string Security { get; set; } = "StartTls";

    public string? Username { get; set; }

    public string? Password { get; set; }

    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>SHA-256 fingerprint of the server's own certificate, to trust a self-signed or private-CA server (see <see cref="CertificatePin"/>).</summary>
    public string? TrustedCertificateSha256 { get; set; }
}
