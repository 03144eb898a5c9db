namespace LicenceOps.Seats.Domain;

public static class SeatLifecycle
{
    private static readonly Dictionary<SeatStatus, SeatStatus[]> Allowed = new()
    {
        [SeatStatus.Requested] = [SeatStatus.Invited, SeatStatus.Released],
        [SeatStatus.Invited] = [SeatStatus.Active, SeatStatus.Released],
        [SeatStatus.Active] = [SeatStatus.Suspended, SeatStatus.Released],
        [SeatStatus.Suspended] = [SeatStatus.Active, SeatStatus.Released],
        [SeatStatus.Released] = [],
    };

    public static bool CanMove(SeatStatus from, SeatStatus to) => Allowed[from].Contains(to);

    public static IReadOnlyList<SeatStatus> NextStatuses(SeatStatus from) => Allowed[from];

    /// <summary>Every status but released occupies one unit of the subscription's committed quantity.</summary>
    public static bool OccupiesQuantity(SeatStatus status) => status != SeatStatus.Released;

    public static string ToCode(SeatStatus status) => status switch
    {
        SeatStatus.Requested => "requested",
        SeatStatus.Invited => "invited",
        SeatStatus.Active => "active",
        SeatStatus.Suspended => "suspended",
        SeatStatus.Released => "released",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static bool TryParse(string? code, out SeatStatus status)
    {
        foreach (var candidate in Enum.GetValues<SeatStatus>())
        {
            if (string.Equals(ToCode(candidate), code, StringComparison.Ordinal))
            {
                status = candidate;
                return true;
            }
        }
        status = default;
        return false;
    }

    public static SeatStatus Parse(string code) =>
        TryParse(code, out var status) ? status : throw new FormatException($"Unknown seat status '{code}'.");
}
