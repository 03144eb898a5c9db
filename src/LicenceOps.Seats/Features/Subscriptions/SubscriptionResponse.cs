using LicenceOps.Seats.Shared;

namespace LicenceOps.Seats.Features.Subscriptions;

public sealed record SubscriptionResponse(
    Guid Id, Guid TenantId, string PlanCode, string PlanName, string VendorName, string VendorAccountId,
    int CommittedQuantity, int OccupiedSeats, int FreeSeats, DateOnly TermStart, DateOnly RenewalDate,
    decimal? SalePricePerSeatEur, string AutoIncreasePolicy, decimal ListPrice, string PriceCurrency,
    bool ListPriceIncludesVat, string BillingCycle, bool SeatsReducibleBeforeRenewal)
{
    internal static SubscriptionResponse From(SubscriptionRow s) => new(
        s.Id, s.TenantId, s.PlanCode, s.PlanName, s.VendorName, s.VendorAccountId, s.CommittedQuantity, s.OccupiedSeats,
        Math.Max(0, s.CommittedQuantity - s.OccupiedSeats), s.TermStart, s.RenewalDate, s.SalePricePerSeatEur,
        s.AutoIncreasePolicy, s.ListPrice, s.PriceCurrency, s.ListPriceIncludesVat, s.BillingCycle, s.SeatsReducibleBeforeRenewal);
}

public sealed class SubscriptionChangeResponse
{
    /// <summary>Position in the subscription's history: the paging key, not part of the answer.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long Seq { get; init; }
    public Guid Id { get; init; }
    public string ChangeKind { get; init; } = "";
    public int PreviousQuantity { get; init; }
    public int NewQuantity { get; init; }
    public decimal? PreviousSalePriceEur { get; init; }
    public decimal? NewSalePriceEur { get; init; }
    public DateOnly EffectiveDate { get; init; }
    public string? Reason { get; init; }
    public string ActorId { get; init; } = "";
    public string ActorDisplay { get; init; } = "";
    public DateTimeOffset RecordedAt { get; init; }
}
