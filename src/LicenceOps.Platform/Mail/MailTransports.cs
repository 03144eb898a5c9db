using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace LicenceOps.Platform.Mail;

/// <summary>Where a built message goes: an SMTP server, or the pickup folder of the embedded default.</summary>
public interface IMailTransport
{
    /// <summary>Said at start, so an operator knows whether mail really leaves the machine.</summary>
    string Description { get; }

    Task SendAsync(MimeMessage message, CancellationToken ct);
}

/// <summary>MailKit over SMTP. One connection per message: volumes are small and a broken connection never lingers.</summary>
public sealed class SmtpMailTransport(SmtpSettings settings) : IMailTransport
{
    public string Description => $"SMTP {settings.Host}:{settings.Port} ({settings.Security}{(string.IsNullOrEmpty(settings.Username) ? "" : ", authenticated")})";

    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        using var client = new SmtpClient
        {
            Timeout = settings.TimeoutSeconds * 1000,
            ServerCertificateValidationCallback = CertificatePin.Validator(settings.TrustedCertificateSha256, "Mail:Smtp:TrustedCertificateSha256"),
        };
        await client.ConnectAsync(settings.Host ?? throw new InvalidOperationException("Mail:Smtp:Host is not set."), settings.Port, SecurityOf(settings.Security), ct);
        if (!string.IsNullOrEmpty(settings.Username))
        {
            await client.AuthenticateAsync(settings.Username, settings.Password ?? string.Empty, ct);
        }

        await client.SendAsync(message, ct);
        await client.DisconnectAsync(quit: true, ct);
    }

    public static SecureSocketOptions SecurityOf(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "none" => SecureSocketOptions.None,
        "starttls" or null or "" => SecureSocketOptions.StartTls,
        "starttlswhenavailable" => SecureSocketOptions.StartTlsWhenAvailable,
        "sslonconnect" or "tls" => SecureSocketOptions.SslOnConnect,
        "auto" => SecureSocketOptions.Auto,
        _ => throw new InvalidOperationException($"Mail:Smtp:Security must be None, StartTls, StartTlsWhenAvailable or SslOnConnect, not '{value}'."),
    };
}

/// <summary>Writes each message as an .eml file (written to a temp name, then renamed, so readers never see half a file).</summary>
public sealed class PickupFolderMailTransport(string directory) : IMailTransport
{
    public string Directory { get; } = directory;

    public string Description => $"pickup folder {Directory} (no SMTP server configured: set Mail:Smtp:Host to send for real)";

    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var name = new string((message.MessageId ?? Guid.NewGuid().ToString("N")).Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '@' ? c : '_').ToArray());
        var final = Path.Combine(Directory, $"{name}.eml");
        var temporary = final + ".tmp";
        await using (var file = File.Create(temporary))
        {
            await message.WriteToAsync(file, ct);
        }

        File.Move(temporary, final, overwrite: true);
    }
}
