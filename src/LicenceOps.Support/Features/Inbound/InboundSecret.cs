using System.Security.Cryptography;
using System.Text;
using LicenceOps.Platform.Data;

namespace LicenceOps.Support.Features.Inbound;

/// <summary>
/// The per-installation secret a mail provider's inbound route presents. Configured (Support:InboundSecret) in
/// production; generated once into &lt;data&gt;/secrets/support-inbound.key in the embedded mode, readable only by the owner.
/// </summary>
public sealed class InboundSecret
{
    private readonly byte[] secret;

    public InboundSecret(SupportOptions options, DatabaseOptions database)
    {
        var value = options.InboundSecret;
        if (string.IsNullOrWhiteSpace(value))
        {
            if (database.Provider != SqlDialect.Sqlite)
            {
                throw new InvalidOperationException("Support:InboundSecret is required outside the embedded mode, so that every host accepts the same inbound route.");
            }

            Path = System.IO.Path.Combine(database.DataDirectory, "secrets", "support-inbound.key");
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            if (!File.Exists(Path))
            {
                try
                {
                    using var file = new FileStream(Path, FileMode.CreateNew, FileAccess.Write);
                    using var writer = new StreamWriter(file);
                    writer.Write(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
                }
                catch (IOException) when (File.Exists(Path))
                {
                    // Another host in the same data directory wrote it first; use theirs.
                }

                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }
            }

            value = File.ReadAllText(Path).Trim();
        }

        if (value.Length < 16)
        {
            throw new InvalidOperationException("Support:InboundSecret must be at least 16 characters.");
        }

        secret = Encoding.UTF8.GetBytes(value);
    }

    /// <summary>Where the generated secret lives, for the operator; null when configured.</summary>
    public string? Path { get; }

    public bool Matches(string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), secret);
}
