using LicenceOps.Platform.Identity;
using LicenceOps.Platform.Security;

namespace LicenceOps.UnitTests.Platform;

public sealed class SecurityPolicyTests
{
    [TestCase("aaaaaaaaaaaa")]
    [TestCase("            ")]
    [TestCase("\0\0\0\0\0\0\0\0\0\0\0\0")]
    [TestCase("password1234")]
    [TestCase("qwertyuiop123")]
    [TestCase("abcdefghijklmnop")]
    [TestCase("correct\u0007horse battery staple")]
    public void Weak_or_malformed_passwords_are_refused(string password) =>
        Assert.That(PasswordPolicy.Check(password), Is.Not.Null);

    [Test]
    public void A_password_made_of_the_users_own_email_is_refused() =>
        Assert.That(PasswordPolicy.Check("claire.martin2026", "claire.martin@acme-conseil.fr", "Claire Martin"), Is.Not.Null);

    [Test]
    public void Passwords_longer_than_the_maximum_are_refused() =>
        Assert.That(PasswordPolicy.Check(string.Concat(Enumerable.Repeat("Vx7!kq2#", 17))), Does.Contain("at most"));

    [TestCase("integration-user-password")]
    [TestCase("tangerine orbit velvet canyon")]
    [TestCase("Xk9#mQ2$vL7!pR4&")]
    public void Strong_passwords_are_accepted(string password) =>
        Assert.That(PasswordPolicy.Check(password), Is.Null);

    [TestCase("change-me-to-a-random-string-of-at-least-32-bytes", "placeholder")]
    [TestCase("short-but-random-Xk9mQ2vL", "shorter")]
    [TestCase("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "entropy")]
    [TestCase("abababababababababababababababababababababab", "entropy")]
    [TestCase("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH", "guessable")]
    [TestCase("qwertyuiopasdfghjklzxcvbnm1234567890qwertyuiop", "guessable")]
    public void Weak_signing_keys_are_refused(string key, string reason) =>
        Assert.That(SigningKey.Weakness(key), Does.Contain(reason));

    [Test]
    public void Generated_signing_keys_are_accepted()
    {
        for (var i = 0; i < 20; i++)
        {
            var base64 = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48));
            var hex = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
            Assert.That(SigningKey.Weakness(base64), Is.Null, base64);
            Assert.That(SigningKey.Weakness(hex), Is.Null, hex);
        }
    }
}
