using LicenceOps.Seats.Vendors.Manual;

namespace LicenceOps.Seats.Vendors;

/// <summary>Chooses the connector of a vendor: a registered vendor-specific one, else the manual connector.</summary>
public sealed class VendorConnectors(IEnumerable<IVendorConnector> connectors, ManualConnector manual)
{
    public IVendorConnector For(string vendorCode) =>
        connectors.FirstOrDefault(c => c is not ManualConnector && c.Handles(vendorCode)) ?? manual;
}
