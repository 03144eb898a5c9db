namespace LicenceOps.Seats.Domain;

/// <summary>Assignment lifecycle of one seat: requested → invited → active → (suspended) → released.</summary>
public enum SeatStatus
{
    Requested,
    Invited,
    Active,
    Suspended,
    Released,
}
