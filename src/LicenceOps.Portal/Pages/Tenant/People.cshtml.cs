using LicenceOps.Portal.Api;
using LicenceOps.Portal.Paging;
using Microsoft.AspNetCore.Mvc;

namespace LicenceOps.Portal.Pages.Tenant;

/// <summary>The company's people with the seats each one holds.</summary>
public sealed class PeopleModel : TenantPageModel
{
    public static IReadOnlyList<string> Statuses { get; } = ["joining", "active", "leaving", "left"];

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    public Paged<PersonRow> People { get; private set; } = null!;

    public sealed record PersonRow(PersonDto Person, string? Department, IReadOnlyList<SeatDto> Seats);

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadTenantAsync(ct);
        if (Status is not null && !Statuses.Contains(Status))
        {
            Status = null;
        }

        var path = $"api/tenants/{TenantId}/people" + (Status is null ? "" : $"?status={Status}");
        var people = await Api.ListAsync<PersonDto>(ApiModule.Tenants, path, ct);
        var departments = (await Api.ListAsync<DepartmentDto>(ApiModule.Tenants, $"api/tenants/{TenantId}/departments", ct))
            .ToDictionary(d => d.Id, d => d.Name);
        var seats = (await Api.ListAsync<SeatDto>(ApiModule.Seats, $"api/tenants/{TenantId}/seats", ct))
            .Where(s => !s.IsReleased)
            .ToLookup(s => s.PersonId);

        var rows = people.Select(p => new PersonRow(
            p, p.DepartmentId is { } d && departments.TryGetValue(d, out var name) ? name : null, seats[p.Id].ToList()));
        People = Paged<PersonRow>.Of(rows, Query, PageNumber, PageSize,
            r => [r.Person.DisplayName, r.Person.Email, r.Department, .. r.Seats.Select(s => s.PlanCode)]);
    }
}
