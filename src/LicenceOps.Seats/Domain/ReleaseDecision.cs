namespace LicenceOps.Seats.Domain;

public enum ReleaseOutcome
{
    /// <summary>The committed quantity drops by one: the vendor lets seats go before renewal.</summary>
    ReduceQuantity,

    /// <summary>The commitment forbids a reduction: the seat stays paid and free for the next joiner.</summary>
    KeepFreeUntilRenewal,
}

public static class ReleaseDecision
{
    public static ReleaseOutcome Decide(bool seatsReducibleBeforeRenewal, int committedQuantity) =>
        seatsReducibleBeforeRenewal && committedQuantity > 0
            ? ReleaseOutcome.ReduceQuantity
            : ReleaseOutcome.KeepFreeUntilRenewal;
}
