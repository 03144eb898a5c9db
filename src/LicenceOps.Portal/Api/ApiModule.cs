namespace LicenceOps.Portal.Api;

/// <summary>The module that answers an API path: each can live at its own address in the distributed mode.</summary>
public enum ApiModule
{
    Tenants,
    Seats,
    Billing,
    Support,

    /// <summary>Sign-in and accounts (the Platform's /api/auth and /api/users), which every host serves.</summary>
    Identity,
}
