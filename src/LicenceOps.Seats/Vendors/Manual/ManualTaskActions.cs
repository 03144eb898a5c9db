namespace LicenceOps.Seats.Vendors.Manual;

public static class ManualTaskActions
{
    public const string Invite = "invite";
    public const string Revoke = "revoke";
    public const string TransferData = "transfer_data";
    public const string ExportData = "export_data";
    public const string RemindActivation = "remind_activation";
}

public static class ManualTaskStatuses
{
    public const string Open = "open";
    public const string Confirmed = "confirmed";

    /// <summary>The step it served was superseded; see the cancel reason. Nothing to do at the vendor.</summary>
    public const string Cancelled = "cancelled";
}
