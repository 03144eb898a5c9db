using LicenceOps.Platform.Http;

namespace LicenceOps.Seats.Features.Seats;

/// <summary>
/// A seat assignment or release may be dated in the past (taking over a client's estate, recording a change late),
/// never in the future and never before <c>earliest</c>: the subscription's term start for an assignment (nothing
/// existed to bill before it), the seat's own assignment for a release.
/// </summary>
internal static class SeatDates
{
    public static IResult? Check(DateOnly? requested, DateOnly earliest, DateOnly today, string what)
    {
        if (requested is not { } date)
        {
            return null;
        }

        var errors = new ValidationErrors();
        if (date > today)
        {
            errors.Add("effectiveDate", $"The {what} date {date:yyyy-MM-dd} is in the future; date it today or earlier.");
        }
        else if (date < earliest)
        {
            errors.Add("effectiveDate", what == "assignment"
                ? $"The assignment date {date:yyyy-MM-dd} is before the subscription's term start {earliest:yyyy-MM-dd}."
                : $"The release date {date:yyyy-MM-dd} is before the seat's assignment on {earliest:yyyy-MM-dd}.");
        }

        return errors.Any ? errors.ToProblem() : null;
    }
}
