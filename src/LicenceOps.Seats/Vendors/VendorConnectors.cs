using LicenceOps.Seats.Vendors.Manual;

namespace LicenceOps.Seats.Vendors;

/// <summary>
/// Chooses the connector of a vendor workspace: the connector named by its connected vendor account, else a registered
/// connector that serves the vendor without an account, else the manual connector.
/// </summary>
public sealed class VendorConnectors(IEnumerable<IVendorConnector> connectors, ManualConnector manual)
{
    public ManualConnector Manual => manual;

    public IVendorConnector For(VendorAccount account)
    {
        if (account.Connection is { } connection)
        {
            return connectors.FirstOrDefault(c => c.Name == connection.Connector)
                ?? throw new VendorConnectorException($"No connector '{connection.Connector}' is installed for vendor account '{connection.DisplayName}'.");
        }
        return For(account.VendorCode);
    }

    public IVendorConnector For(string vendorCode) =>
        connectors.FirstOrDefault(c => c is not ManualConnector && c.Handles(vendorCode)) ?? manual;

    public IVendorConnector? Named(string name) => connectors.FirstOrDefault(c => c.Name == name);
}
