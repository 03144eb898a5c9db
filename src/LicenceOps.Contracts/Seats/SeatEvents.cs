namespace LicenceOps.Contracts.Seats;

/// <summary>A seat of a subscription was given to a person. Billing counts it from <see cref="EffectiveDate"/>.</summary>
public sealed record SeatAssigned(
    Guid SeatId,
    Guid TenantId,
    Guid SubscriptionId,
    Guid PersonId,
    string PlanCode,
    DateOnly EffectiveDate,
    DateTimeOffset OccurredAt);

/// <summary>The vendor reports the person joined the company workspace with the expected identity.</summary>
public sealed record SeatActivated(
    Guid SeatId,
    Guid TenantId,
    Guid SubscriptionId,
    Guid PersonId,
    DateTimeOffset OccurredAt);

/// <summary>A seat assignment ended. Billing stops counting it after <see cref="EffectiveDate"/>.</summary>
public sealed record SeatReleased(
    Guid SeatId,
    Guid TenantId,
    Guid SubscriptionId,
    Guid? PersonId,
    string PlanCode,
    DateOnly EffectiveDate,
    DateTimeOffset OccurredAt);

/// <summary>
/// A subscription was created or its committed quantity or prices changed, effective on
/// <see cref="EffectiveDate"/>. Carries the subscription's full commercial terms so Billing can price it.
/// <see cref="PriceUnit"/> says what <see cref="ListPrice"/> and <see cref="SalePricePerSeatEur"/> buy
/// ("per_seat_month" or "per_seat_year"); <see cref="BillingFrequency"/> how the client pays the commitment
/// ("monthly", or "annual_in_advance": the term year up front, seats added mid-term pro rata until renewal).
/// Both were added later; a message without them means a monthly price billed monthly.
/// </summary>
public sealed record SubscriptionQuantityChanged(
    Guid SubscriptionId,
    Guid TenantId,
    string VendorName,
    string PlanCode,
    string PlanName,
    int PreviousQuantity,
    int NewQuantity,
    DateOnly EffectiveDate,
    DateOnly TermStart,
    DateOnly RenewalDate,
    string BillingCycle,
    decimal ListPrice,
    string ListPriceCurrency,
    bool ListPriceIncludesVat,
    decimal? SalePricePerSeatEur,
    DateTimeOffset OccurredAt,
    string PriceUnit = "per_seat_month",
    string BillingFrequency = "monthly");
