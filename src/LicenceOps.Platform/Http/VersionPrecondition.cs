using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LicenceOps.Platform.Http;

/// <summary>
/// Optimistic concurrency for a resource that carries a row version: reads answer it as a strong ETag ("v7"), and a
/// write may send it back in If-Match. The version then goes into the write's conditional UPDATE, so an edit based on
/// an older read is a 409 instead of silently overwriting what another user saved in between (a lost update).
/// Without If-Match the write is guarded by the version it read itself, which only protects against a race inside
/// the request; "*" means "any version".
/// </summary>
public static class VersionPrecondition
{
    public static string ETag(long version) => string.Create(CultureInfo.InvariantCulture, $"\"v{version}\"");

    public static void SetETag(HttpResponse response, long version) => response.Headers.ETag = ETag(version);

    /// <summary>The version the client based its write on: null without If-Match (or with "*"), a 400 problem when malformed.</summary>
    public static (long? Version, ProblemHttpResult? Problem) Expected(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0 || header == "*")
        {
            return (null, null);
        }

        var tag = header.StartsWith("W/", StringComparison.Ordinal) ? header[2..] : header;
        if (tag.Length > 3 && tag[0] == '"' && tag[^1] == '"' && tag[1] == 'v'
            && long.TryParse(tag.AsSpan(2, tag.Length - 3), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return (version, null);
        }

        return (null, Problems.BadRequest("If-Match must be one ETag this API returned, such as \"v3\", or *."));
    }

    /// <summary>The 409 of a write whose precondition no longer holds: nothing was changed.</summary>
    public static ProblemHttpResult Stale(string what) =>
        Problems.Conflict($"The {what} was changed by someone else since it was read; nothing was saved. Read it again (new ETag) and retry.");
}
