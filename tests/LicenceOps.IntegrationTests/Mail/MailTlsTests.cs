using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LicenceOps.Platform.Mail;
using MailKit.Security;
using MimeKit;

namespace LicenceOps.IntegrationTests.Mail;

/// <summary>
/// SMTP over STARTTLS and implicit TLS to the loopback aiosmtpd server with a certificate made for the test: delivered
/// when the configuration pins that certificate, refused otherwise (no "accept any certificate" path exists).
/// </summary>
public sealed class MailTlsTests
{
    private string directory = null!;
    private string certificatePem = null!;
    private string keyPem = null!;
    private string fingerprint = null!;

    [OneTimeSetUp]
    public void MakeCertificate() => (directory, certificatePem, keyPem, fingerprint) = TestCertificate.Create();

    [OneTimeTearDown]
    public void DeleteCertificate() => Directory.Delete(directory, recursive: true);

    private static MimeMessage Message(string subject)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("no-reply@licenceops.local"));
        message.To.Add(MailboxAddress.Parse("compta@client.example"));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "Bonjour." };
        return message;
    }

    private static SmtpMailTransport Transport(SmtpSink sink, string security, string? pin) => new(new SmtpSettings
    {
        Host = "127.0.0.1", Port = sink.Port, Security = security, TrustedCertificateSha256 = pin, TimeoutSeconds = 20,
    });

    [TestCase("starttls", "StartTls")]
    [TestCase("implicit", "SslOnConnect")]
    public async Task With_the_pinned_certificate_the_message_goes_over_tls(string serverMode, string security)
    {
        using var sink = await SmtpSink.StartAsync(serverMode, certificatePem, keyPem);
        var pinWithColons = string.Join(':', Enumerable.Range(0, 32).Select(i => fingerprint.Substring(i * 2, 2))).ToLowerInvariant();

        await Transport(sink, security, pinWithColons).SendAsync(Message($"TLS {serverMode}"), CancellationToken.None);

        var received = await sink.WaitForAsync(m => m.Subject == $"TLS {serverMode}", "the message sent over TLS");
        Assert.That(received.OverTls, Is.True, "the server saw the message inside TLS");
    }

    [TestCase("starttls", "StartTls")]
    [TestCase("implicit", "SslOnConnect")]
    public async Task Without_a_pin_or_with_another_one_a_self_signed_server_is_refused(string serverMode, string security)
    {
        using var sink = await SmtpSink.StartAsync(serverMode, certificatePem, keyPem);
        var otherPin = Convert.ToHexString(SHA256.HashData("another certificate"u8.ToArray()));

        Assert.ThrowsAsync<SslHandshakeException>(() => Transport(sink, security, null).SendAsync(Message("unpinned"), CancellationToken.None));
        Assert.ThrowsAsync<SslHandshakeException>(() => Transport(sink, security, otherPin).SendAsync(Message("wrong pin"), CancellationToken.None));
        await Task.Delay(300);
        Assert.That(sink.All(), Is.Empty);
    }

    [Test]
    public async Task A_server_that_requires_starttls_refuses_a_plain_text_client_and_a_bad_pin_is_a_configuration_error()
    {
        using var sink = await SmtpSink.StartAsync("starttls", certificatePem, keyPem);

        var refused = Assert.ThrowsAsync<MailKit.ServiceNotAuthenticatedException>(() =>
            Transport(sink, "None", null).SendAsync(Message("plain"), CancellationToken.None));
        Assert.That(refused!.Message, Does.Contain("STARTTLS"), "530: must issue STARTTLS first");
        Assert.That(sink.All(), Is.Empty);

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => Transport(sink, "StartTls", "not-a-fingerprint").SendAsync(Message("x"), CancellationToken.None));
        Assert.That(error!.Message, Does.Contain("Mail:Smtp:TrustedCertificateSha256").And.Contain("64 hex digits"));
    }
}

/// <summary>A throw-away self-signed certificate for 127.0.0.1/localhost, written as PEM files for the Python test servers.</summary>
internal static class TestCertificate
{
    public static (string Directory, string CertificatePem, string KeyPem, string Sha256) Create()
    {
        var directory = Path.Combine(Path.GetTempPath(), "licenceops-tls", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2));
        var certificatePem = Path.Combine(directory, "server.crt");
        var keyPem = Path.Combine(directory, "server.key");
        File.WriteAllText(certificatePem, certificate.ExportCertificatePem());
        File.WriteAllText(keyPem, key.ExportPkcs8PrivateKeyPem());
        return (directory, certificatePem, keyPem, Convert.ToHexString(SHA256.HashData(certificate.RawData)));
    }
}
