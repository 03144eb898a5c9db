namespace LicenceOps.Seats.Domain.Catalogue;

public static class BillingCycles
{
    public const string Monthly = "monthly";
    public const string Annual = "annual";
    public static readonly string[] All = [Monthly, Annual];
}

/// <summary>What a list price buys. Vendors publish annual plans "per user per month, billed annually".</summary>
public static class PriceUnits
{
    public const string PerSeatMonth = "per_seat_month";
    public const string PerSeatYear = "per_seat_year";
    public static readonly string[] All = [PerSeatMonth, PerSeatYear];
}

/// <summary>How the reseller bills the commitment: every month, or the term year in advance (seats added mid-term pro rata).</summary>
public static class BillingFrequencies
{
    public const string Monthly = "monthly";
    public const string AnnualInAdvance = "annual_in_advance";
    public static readonly string[] All = [Monthly, AnnualInAdvance];
}

public static class PriceCurrencies
{
    public const string Usd = "USD";
    public const string Eur = "EUR";
    public static readonly string[] All = [Usd, Eur];
}

/// <summary>What must happen to a leaver's workspace data before their account goes.</summary>
public static class OffboardingDataRules
{
    /// <summary>Nothing to hand over: the data does not live in the vendor seat.</summary>
    public const string None = "none";

    /// <summary>The vendor hands the removed member's projects and custom assistants to a workspace owner.</summary>
    public const string TransferToWorkspaceOwner = "transfer_to_workspace_owner";

    /// <summary>The vendor makes the removed member's private content inaccessible: export it first.</summary>
    public const string ExportBeforeRemoval = "export_before_removal";

    public static readonly string[] All = [None, TransferToWorkspaceOwner, ExportBeforeRemoval];
}
