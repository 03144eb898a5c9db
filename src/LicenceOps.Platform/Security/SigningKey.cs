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
            var bytes = Encoding.UTF8.GetBytes(configured);
            if (bytes.Length < 32)
            {
                throw new InvalidOperationException("Auth:SigningKey must be at least 32 bytes long.");
            }

            return new SymmetricSecurityKey(bytes);
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
}
