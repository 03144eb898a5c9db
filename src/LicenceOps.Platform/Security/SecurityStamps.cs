using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using LicenceOps.Platform.Data;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;

namespace LicenceOps.Platform.Security;

/// <summary>
/// Answers "is this token's security stamp still the user's current one, and is the user still active?" on every
/// authenticated request. Reads the Identity database directly (every host can reach it, even one that does not run
/// the Identity module) and caches each answer for at most <see cref="MaxCacheDuration"/>, so a disabled user, a role
/// or tenant change or a password reset ends every outstanding token within that time on every host, and at once on
/// the host that made the change (it calls <see cref="Forget"/>).
/// </summary>
public sealed partial class SecurityStamps(DatabaseOptions database, IMemoryCache cache, TimeSpan cacheDuration, ILogger<SecurityStamps> logger)
{
    public static readonly TimeSpan MaxCacheDuration = TimeSpan.FromSeconds(30);

    private readonly string connectionString = database.ConnectionStringFor("Identity");

    public async Task<bool> IsCurrentAsync(Guid userId, string? tokenStamp, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(tokenStamp))
        {
            return false;
        }

        var current = await cache.GetOrCreateAsync(Key(userId), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = cacheDuration;
            return await LoadAsync(userId, ct);
        });
        return current is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(current), Encoding.UTF8.GetBytes(tokenStamp));
    }

    public void Forget(Guid userId) => cache.Remove(Key(userId));

    private static string Key(Guid userId) => $"security-stamp:{userId:N}";

    /// <returns>The current stamp of an active user; null for a disabled or deleted one (no token of theirs is valid).</returns>
    private async Task<string?> LoadAsync(Guid userId, CancellationToken ct)
    {
        DapperTypeHandlers.EnsureRegistered();
        try
        {
            await using DbConnection connection = database.Provider == SqlDialect.Sqlite
                ? new SqliteConnection(connectionString)
                : new SqlConnection(connectionString);
            await connection.OpenAsync(ct);
            return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
                "SELECT security_stamp FROM users WHERE id = @userId AND is_active = 1", new { userId }, cancellationToken: ct));
        }
        catch (DbException exception)
        {
            // Fail closed: without the Identity database nobody's access can be confirmed.
            LogUnavailable(exception);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Security stamps cannot be read from the Identity database; tokens are refused")]
    private partial void LogUnavailable(Exception exception);
}
