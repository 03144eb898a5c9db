namespace LicenceOps.Portal;

/// <summary>The <c>Portal</c> configuration section.</summary>
public sealed class PortalOptions
{
    /// <summary>
    /// Where the portal calls the public API, e.g. "http://gateway:8080/". Empty: this host's own listening
    /// address, which is right in the embedded mode where every module answers on the same port.
    /// </summary>
    public string? ApiBaseAddress { get; set; }

    /// <summary>Per-module overrides for the distributed mode, e.g. <c>Portal:ModuleApiAddresses:Billing=http://billing:8080/</c>.</summary>
    public Dictionary<string, string> ModuleApiAddresses { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Where the cookie encryption keys live. Empty: <c>&lt;data directory&gt;/secrets/portal-keys</c>. Several portal
    /// hosts behind one address must share this folder (or their cookies will not decrypt on each other).
    /// </summary>
    public string? KeysDirectory { get; set; }

    /// <summary>The page size the portal asks the list APIs for when it reads a whole list (their maximum, Paging:MaxLimit).</summary>
    public int ApiPageLimit { get; set; } = 200;

    /// <summary>How many API pages a whole-list read may take before it gives up (200 × 100 = 20,000 rows).</summary>
    public int MaxListPages { get; set; } = 100;

    /// <summary>Rows per page in every portal list.</summary>
    public int PageSize { get; set; } = 25;
}
