using System.Net.Security;
using System.Security.Cryptography;

namespace LicenceOps.Platform.Mail;

/// <summary>
/// Trust for a mail server whose certificate no public authority signed (self-signed, private CA): the operator pins
/// that exact certificate by the SHA-256 fingerprint of its DER bytes (`openssl x509 -noout -fingerprint -sha256`).
/// Without a pin the normal chain and name checks apply. There is deliberately no "accept any certificate" switch.
/// </summary>
public static class CertificatePin
{
    /// <summary>The validation callback for MailKit clients: null (MailKit's default checks) when no pin is configured.</summary>
    public static RemoteCertificateValidationCallback? Validator(string? pinnedSha256, string setting)
    {
        if (string.IsNullOrWhiteSpace(pinnedSha256))
        {
            return null;
        }

        var expected = Normalise(pinnedSha256);
        if (expected.Length != 64 || !expected.All(Uri.IsHexDigit))
        {
            throw new InvalidOperationException($"{setting} must be a SHA-256 certificate fingerprint: 64 hex digits (colons allowed).");
        }

        // Only the pinned certificate passes, whatever the chain says: the pin is the trust decision.
        return (_, certificate, _, _) =>
            certificate is not null && Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData())) == expected;
    }

    public static string Normalise(string fingerprint) =>
        new string(fingerprint.Where(c => c is not (':' or ' ' or '-')).ToArray()).ToUpperInvariant();
}
