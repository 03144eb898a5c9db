namespace LicenceOps.Seats.Domain.Reconciliation;

/// <summary>The purchased quantity staff last saw at the vendor (invoice or admin console), and on which day.</summary>
public sealed record RecordedQuantity(int Quantity, DateOnly ObservedOn, string Source);

/// <summary>
/// The purchased quantity of a vendor account compared with the committed quantities we bill. The vendor's own figure
/// comes from the connector where its API reports it (Graph); for the others staff record what the invoice or the admin
/// console shows, and, as the settings watch does for settings, a quantity never recorded or not re-checked for
/// <c>unverifiedAfterDays</c> is a finding of its own: a stale figure cannot confirm that we bill what was bought.
/// </summary>
public static class PurchasedQuantityWatch
{
    public static readonly string[] Kinds = [FindingKinds.QuantityMismatch, FindingKinds.QuantityUnverified];

    public static class Sources
    {
        public const string Connector = "connector";
        public const string Invoice = "invoice";
        public const string Console = "console";

        /// <summary>What staff can record.</summary>
        public static readonly string[] Recorded = [Invoice, Console];
    }

    /// <summary>A quantity the vendor reported through its API: compared as it is.</summary>
    public static IReadOnlyList<PlannedFinding> FromConnector(Guid accountId, string vendorName, IReadOnlyList<PlanSubscription> subscriptions, int purchased) =>
        Compare(accountId, vendorName, subscriptions, purchased, $"{vendorName} has {purchased} seat(s) purchased");

    /// <summary>
    /// The latest quantity staff recorded (null: never), for a connector that cannot read it. <paramref name="horizon"/>, when
    /// given, learns the day the record grows unverified (ADR 0048).
    /// </summary>
    public static IReadOnlyList<PlannedFinding> FromRecord(
        Guid accountId, string vendorName, IReadOnlyList<PlanSubscription> subscriptions, RecordedQuantity? recorded, int unverifiedAfterDays, DateOnly today,
        TimeHorizon? horizon = null)
    {
        if (subscriptions.Count == 0)
        {
            return [];
        }
        if (recorded is not null)
        {
            var mismatch = Compare(accountId, vendorName, subscriptions, recorded.Quantity,
                $"{vendorName} had {recorded.Quantity} seat(s) purchased on {recorded.ObservedOn:yyyy-MM-dd} (recorded from the {recorded.Source})");
            horizon?.FlipsAfter(recorded.ObservedOn, unverifiedAfterDays);
            if (mismatch.Count > 0 || today.DayNumber - recorded.ObservedOn.DayNumber <= unverifiedAfterDays)
            {
                return mismatch;
            }
        }
        var committed = subscriptions.Sum(s => s.CommittedQuantity);
        return
        [
            new PlannedFinding(FindingKinds.QuantityUnverified, $"account:{accountId}", subscriptions[0].Id, null, null, null,
                recorded is null
                    ? $"{vendorName}: the purchased quantity has never been verified (its API does not report it); we bill a committed quantity of {committed}."
                    : $"{vendorName}: the purchased quantity ({recorded.Quantity}) was last verified on {recorded.ObservedOn:yyyy-MM-dd}, more than {unverifiedAfterDays} days ago.",
                $"Check the seats purchased on the latest {vendorName} invoice or in its admin console and record the quantity with its date.",
                NeedsClient: false, 0, "unknown until the purchased quantity is verified: no euro effect computed"),
        ];
    }

    private static IReadOnlyList<PlannedFinding> Compare(
        Guid accountId, string vendorName, IReadOnlyList<PlanSubscription> subscriptions, int purchased, string seen)
    {
        var committed = subscriptions.Sum(s => s.CommittedQuantity);
        if (subscriptions.Count == 0 || purchased == committed)
        {
            return [];
        }
        var diff = Math.Abs(purchased - committed);
        var (cents, basis) = subscriptions[0].Price.Times(diff);
        var more = purchased > committed;
        return
        [
            new PlannedFinding(FindingKinds.QuantityMismatch, $"account:{accountId}", subscriptions[0].Id, null, null, null,
                $"{seen}; we bill a committed quantity of {committed}.",
                more
                    ? $"Reduce the purchased quantity at {vendorName} by {diff}, or raise the committed quantity (billed) by {diff} if the client uses them."
                    : $"Buy {diff} more seat(s) at {vendorName}, or lower the committed quantity by {diff}: the client is billed for seats not bought.",
                NeedsClient: false, cents, basis),
        ];
    }
}
