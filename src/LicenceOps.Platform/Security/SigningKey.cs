using System.Security.Cryptography;
using System.Text;
using LicenceOps.Platform.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.Tokens;

namespace LicenceOps.Platform.Security;

/// <summary>
/// The HMAC key that signs tokens. Configured (Auth:SigningKey) in production so every host validates the
/// same tokens; generated once into the data directory in the embedded mode.
/// </summary>
public static class SigningKey
{
    public static SymmetricSecurityKey Load(IConfiguration configuration, DatabaseOptions database)
    {
        var configured = configuration["Auth:SigningKey"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            if (Weakness(configured) is { } weakness)
            {
                throw new InvalidOperationException(
                    $"Auth:SigningKey is refused: {weakness} Generate one with `openssl rand -base64 48`.");
            }

            return new SymmetricSecurityKey(Encoding.UTF8.GetBytes(configured));
        }

        if (database.Provider != SqlDialect.Sqlite)
        {
            throw new InvalidOperationException("Auth:SigningKey is required outside the embedded mode, so that all hosts share it.");
        }

        var path = Path.Combine(database.DataDirectory, "secrets", "jwt-signing.key");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (!File.Exists(path))
        {
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
            try
            {
                using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                using var writer = new StreamWriter(file);
                writer.Write(key);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another host process in the same data directory created it first; use theirs.
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        return new SymmetricSecurityKey(Convert.FromBase64String(File.ReadAllText(path).Trim()));
    }

    /// <summary>Words that only appear in keys copied from documentation or samples, never in generated ones.</summary>
    private static readonly string[] PlaceholderMarkers =
        ["change-me", "changeme", "change_me", "replace-me", "replaceme", "placeholder", "example", "your-", "secret", "random-string", "at-least"];

    /// <returns>Why <paramref name="key"/> must not sign tokens (anyone could guess or has read it), or null when it may.</returns>
    public static string? Weakness(string key)
    {
        if (Encoding.UTF8.GetByteCount(key) < 32)
        {
            return "it is shorter than 32 bytes.";
        }

        var lower = key.ToLowerInvariant();
        if (PlaceholderMarkers.FirstOrDefault(lower.Contains) is { } marker)
        {
            return $"it looks like a placeholder from a sample file (contains \"{marker}\").";
        }

        // Shannon entropy of the characters, times the length: a repeated or tiny alphabet scores low.
        var entropyBits = key.GroupBy(c => c)
            .Select(g => (double)g.Count() / key.Length)
            .Sum(p => -p * Math.Log2(p)) * key.Length;
        if (key.Distinct().Count() < 12 || entropyBits < 128)
        {
            return $"it has too little entropy (about {entropyBits:0} bits from {key.Distinct().Count()} distinct characters; 128 needed).";
        }

        // Words, keyboard walks and sequences look varied to the count above but are among the first things guessed.
        var patternBits = Zxcvbn.Zxcvbn.MatchPassword(key).Entropy;
        return patternBits < 100
            ? $"it is made of guessable words or sequences (about {patternBits:0} bits once those are recognised; 100 needed)."
            : null;
    }
}
