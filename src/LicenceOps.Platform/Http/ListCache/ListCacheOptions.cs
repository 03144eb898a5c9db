using Microsoft.Extensions.Configuration;

namespace LicenceOps.Platform.Http.ListCache;

/// <summary>
/// Settings <c>LicenceOps:ListCache:Enabled</c>, <c>SizeLimitMb</c> and <c>Expiry</c> (ADR 0034). The size limit
/// bounds the memory the cached pages may take in total (entries are evicted beyond it); the expiry bounds how long an
/// entry nobody invalidates (its version never moves) stays, so pages of versions no longer read leave on their own.
/// </summary>
public sealed class ListCacheOptions
{
    public const string Section = "LicenceOps:ListCache";

    public bool Enabled { get; init; } = true;

    public int SizeLimitMb { get; init; } = 64;

    public TimeSpan Expiry { get; init; } = TimeSpan.FromMinutes(5);

    public long SizeLimitBytes => SizeLimitMb * 1024L * 1024L;

    public static ListCacheOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var options = new ListCacheOptions
        {
            Enabled = section.GetValue("Enabled", true),
            SizeLimitMb = section.GetValue("SizeLimitMb", 64),
            Expiry = section.GetValue("Expiry", TimeSpan.FromMinutes(5)),
        };
        if (options.SizeLimitMb < 1 || options.SizeLimitMb > 4096)
        {
            throw new InvalidOperationException($"{Section}:SizeLimitMb must be from 1 to 4096; it is {options.SizeLimitMb}.");
        }
        if (options.Expiry <= TimeSpan.Zero || options.Expiry > TimeSpan.FromDays(1))
        {
            throw new InvalidOperationException($"{Section}:Expiry must be positive and at most one day (e.g. 00:05:00); it is {options.Expiry}.");
        }
        return options;
    }
}
