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
}
