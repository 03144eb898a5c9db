namespace LicenceOps.Billing.Documents.FacturX;

/// <summary>
/// The sRGB IEC61966-2.1 ICC profile (v2, from Debian's icc-profiles-free, zlib licence in
/// Documents/Color/LICENSE-icc-profiles-free.txt) that PDF/A's output intent points to: every colour on
/// the invoice is sRGB, so this one profile says how to reproduce all of them.
/// </summary>
internal static class SrgbProfile
{
    private static readonly Lazy<byte[]> Profile = new(() =>
    {
        const string name = "LicenceOps.Billing.Color.sRGB.icc";
        using var resource = typeof(SrgbProfile).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded ICC profile '{name}' is missing from the Billing assembly.");
        using var bytes = new MemoryStream();
        resource.CopyTo(bytes);
        return bytes.ToArray();
    });

    public static byte[] Bytes => Profile.Value;
}
