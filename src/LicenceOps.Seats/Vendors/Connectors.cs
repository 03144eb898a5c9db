namespace LicenceOps.Seats.Vendors;

/// <summary>The connectors a vendor account can use, and which vendors each one can serve.</summary>
public static class ConnectorKinds
{
    public const string Graph = "graph";
    public const string OpenAi = "openai";
    public const string Anthropic = "anthropic";
    public const string Google = "google";
    public const string Scim = "scim";
    public const string Csv = "csv";

    /// <summary>Connector → vendor codes it serves; null = any vendor (standards and exports are vendor-neutral).</summary>
    public static readonly IReadOnlyDictionary<string, string[]?> Vendors = new Dictionary<string, string[]?>
    {
        [Graph] = ["microsoft"],
        [OpenAi] = ["openai"],
        [Anthropic] = ["anthropic"],
        [Google] = ["google"],
        [Scim] = null,
        [Csv] = null,
    };

    /// <summary>Settings each connector requires (non-secret); the secret is stored apart.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> RequiredSettings = new Dictionary<string, string[]>
    {
        [Graph] = ["directoryTenantId", "clientId", "skuId"],
        [OpenAi] = [],
        [Anthropic] = [],
        [Google] = ["productId", "skuId", "serviceAccountEmail", "adminEmail"],
        [Scim] = [],
        [Csv] = [],
    };

    public static bool NeedsSecret(string connector) => connector != Csv;

    /// <summary>
    /// Connectors whose vendor API reports the purchased seat quantity (Graph's subscribedSkus). For every other connector
    /// staff record the quantity from the vendor's invoice or console (docs/reconciliation.md).
    /// </summary>
    public static bool ReadsPurchasedQuantity(string connector) => connector == Graph;

    public static bool NeedsBaseAddress(string connector) => connector == Scim;

    public static bool Serves(string connector, string vendorCode) =>
        Vendors.TryGetValue(connector, out var vendors) && (vendors is null || vendors.Contains(vendorCode));
}
