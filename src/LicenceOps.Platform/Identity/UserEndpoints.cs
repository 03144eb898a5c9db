using LicenceOps.Platform.Auditing;
using LicenceOps.Platform.Data;
using LicenceOps.Platform.Http;
using LicenceOps.Platform.Http.Paging;
using LicenceOps.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;

namespace LicenceOps.Platform.Identity;

public sealed record CreateUserRequest([property: Text(320)] string? Email, [property: Text(200)] string? DisplayName, [property: Text(40), OneOf(Roles.StaffAdmin, Roles.StaffAgent, Roles.StaffBilling, Roles.ClientAdmin, Roles.ClientViewer)] string? Role, Guid? TenantId, [property: Text(128)] string? Password);

public sealed record UpdateUserRequest([property: Text(200)] string? DisplayName, [property: Text(40), OneOf(Roles.StaffAdmin, Roles.StaffAgent, Roles.StaffBilling, Roles.ClientAdmin, Roles.ClientViewer)] string? Role, Guid? TenantId, bool? IsActive);

public sealed record SetPasswordRequest([property: Text(128)] string? Password);

internal static class UserEndpoints
{
    public static void MapUserEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/users/me", async (CurrentUser me, UserStore users, CancellationToken ct) =>
                await users.FindAsync(me.UserId, ct) is { } user
                    ? Results.Ok(UserView.From(user))
                    : Problems.NotFound("Your account no longer exists."))
            .WithTags("Users")
            .WithSummary("The signed-in user's own account.");

        var group = endpoints.MapGroup("/api/users").RequireAuthorization(Policies.StaffAdmin).WithTags("Users");
        group.MapGet("/", async (Guid? tenantId, PageRequest page, UserStore users, CancellationToken ct) =>
            TypedResults.Ok((await users.ListAsync(tenantId, page, ct)).Map(UserView.From)))
            .WithSummary("Users, optionally of one tenant (staff admins).");
        group.MapGet("/{id:guid}", async Task<Results<Ok<UserView>, ProblemHttpResult>> (Guid id, UserStore users, CancellationToken ct) =>
            await users.FindAsync(id, ct) is { } user ? TypedResults.Ok(UserView.From(user)) : Problems.NotFound($"No user {id}."))
            .WithSummary("One user (staff admins).");
        group.MapPost("/", CreateAsync).WithSummary("Create a staff or client user (client users of a tenant Identity knows).");
        group.MapPut("/{id:guid}", UpdateAsync).WithSummary("Change a user's name, role, tenant or active flag; the old tokens stop working.");
        group.MapPost("/{id:guid}/password", SetPasswordAsync).WithSummary("Set a user's password (strength checked); the old tokens stop working.");
        group.MapAuditLog<IdentityModule>();
    }

    private static async Task<Results<Created<UserView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateUserRequest request,
        ModuleDatabase<IdentityModule> database,
        IPasswordHasher<UserRecord> hasher,
        CancellationToken ct)
    {
        var errors = new ValidationErrors();
        errors.Required("email", request.Email);
        if (!string.IsNullOrWhiteSpace(request.Email) && !IsEmail(request.Email))
        {
            errors.Add("email", "email is not a valid e-mail address.");
        }

        errors.Required("displayName", request.DisplayName);
        ValidateRole(errors, request.Role, request.TenantId);
        ValidatePassword(errors, request.Password, request.Email, request.DisplayName);
        await ValidateTenantExistsAsync(errors, database, request.Role, request.TenantId, ct);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var user = await database.WriteAsync(async unit =>
        {
            var candidate = new UserRecord(
                Guid.NewGuid(),
                UserStore.Normalize(request.Email!),
                request.DisplayName!.Trim(),
                string.Empty,
                request.Role!,
                Roles.IsClient(request.Role!) ? request.TenantId : null,
                true,
                unit.Now,
                unit.Now,
                UserRecord.NewSecurityStamp());
            candidate = candidate with { PasswordHash = hasher.HashPassword(candidate, request.Password!) };
            if (!await UserStore.InsertAsync(unit, candidate))
            {
                return null;
            }

            await unit.AuditAsync("user", candidate.Id, "created", new { candidate.Email, candidate.Role, candidate.TenantId }, candidate.TenantId);
            return candidate;
        }, ct);

        return user is null
            ? Problems.Conflict($"A user with e-mail {UserStore.Normalize(request.Email!)} already exists.")
            : TypedResults.Created($"/api/users/{user.Id}", UserView.From(user));
    }

    private static async Task<Results<Ok<UserView>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id,
        UpdateUserRequest request,
        ModuleDatabase<IdentityModule> database,
        UserStore users,
        CurrentUser me,
        SecurityStamps stamps,
        CancellationToken ct)
    {
        var existing = await users.FindAsync(id, ct);
        if (existing is null)
        {
            return Problems.NotFound($"No user {id}.");
        }

        var role = request.Role ?? existing.Role;
        var tenantId = request.Role is null && request.TenantId is null ? existing.TenantId : request.TenantId;
        var errors = new ValidationErrors();
        if (request.DisplayName is not null && string.IsNullOrWhiteSpace(request.DisplayName))
        {
            errors.Add("displayName", "displayName cannot be blank.");
        }

        ValidateRole(errors, role, tenantId);
        if (tenantId != existing.TenantId)
        {
            await ValidateTenantExistsAsync(errors, database, role, tenantId, ct);
        }

        if (id == me.UserId && (request.IsActive == false || role != Roles.StaffAdmin))
        {
            errors.Add("role", "You cannot disable yourself or remove your own staff-admin role.");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var updated = existing with
        {
            DisplayName = request.DisplayName?.Trim() ?? existing.DisplayName,
            Role = role,
            TenantId = Roles.IsClient(role) ? tenantId : null,
            IsActive = request.IsActive ?? existing.IsActive,
        };
        // Any change of what the user may reach ends the tokens issued before it.
        var accessChanged = updated.Role != existing.Role || updated.TenantId != existing.TenantId || updated.IsActive != existing.IsActive;
        if (accessChanged)
        {
            updated = updated with { SecurityStamp = UserRecord.NewSecurityStamp() };
        }

        // The user was read before this transaction: the write only applies to the version read (any change of access
        // renews the stamp, so the stamp and the name cover every field). Otherwise a concurrent edit, say a disable,
        // would be silently undone by this one's stale copy.
        var applied = await database.WriteAsync(async unit =>
        {
            var changed = await unit.ExecuteAsync(
                """
                UPDATE users SET display_name = @DisplayName, role = @Role, tenant_id = @TenantId, is_active = @IsActive, security_stamp = @SecurityStamp, updated_at = @now
                WHERE id = @Id AND security_stamp = @previousStamp AND display_name = @previousName
                """,
                new
                {
                    updated.DisplayName, updated.Role, updated.TenantId, updated.IsActive, updated.SecurityStamp, updated.Id, now = unit.Now,
                    previousStamp = existing.SecurityStamp, previousName = existing.DisplayName,
                });
            if (changed != 1)
            {
                return false;
            }
            await unit.AuditAsync("user", id, "updated", new
            {
                before = new { existing.DisplayName, existing.Role, existing.TenantId, existing.IsActive },
                after = new { updated.DisplayName, updated.Role, updated.TenantId, updated.IsActive },
            }, updated.TenantId ?? existing.TenantId);
            return true;
        }, ct);
        if (!applied)
        {
            return Problems.Conflict("The user was changed meanwhile; read it again and retry.");
        }
        stamps.Forget(id);
        return TypedResults.Ok(UserView.From(updated));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> SetPasswordAsync(
        Guid id,
        SetPasswordRequest request,
        ModuleDatabase<IdentityModule> database,
        UserStore users,
        IPasswordHasher<UserRecord> hasher,
        SecurityStamps stamps,
        CancellationToken ct)
    {
        var user = await users.FindAsync(id, ct);
        if (user is null)
        {
            return Problems.NotFound($"No user {id}.");
        }

        var errors = new ValidationErrors();
        ValidatePassword(errors, request.Password, user.Email, user.DisplayName);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        await database.WriteAsync(async unit =>
        {
            await unit.ExecuteAsync(
                "UPDATE users SET password_hash = @hash, security_stamp = @stamp, updated_at = @now WHERE id = @id",
                new { id, hash = hasher.HashPassword(user, request.Password!), stamp = UserRecord.NewSecurityStamp(), now = unit.Now });
            await unit.AuditAsync("user", id, "password-changed", tenantId: user.TenantId);
        }, ct);
        stamps.Forget(id);
        return TypedResults.NoContent();
    }

    /// <summary>Identity knows tenants from its read copy (TenantProfileChanged), not by asking the Tenants module.</summary>
    private static async Task ValidateTenantExistsAsync(
        ValidationErrors errors, ModuleDatabase<IdentityModule> database, string? role, Guid? tenantId, CancellationToken ct)
    {
        if (role is not null && Roles.IsClient(role) && tenantId is { } id && !await KnownTenants.ExistsAsync(database, id, ct))
        {
            errors.Add("tenantId", $"No tenant {id}.");
        }
    }

    private static void ValidateRole(ValidationErrors errors, string? role, Guid? tenantId)
    {
        if (string.IsNullOrWhiteSpace(role) || !Roles.All.Contains(role))
        {
            errors.Add("role", $"role must be one of: {string.Join(", ", Roles.All)}.");
        }
        else if (Roles.IsClient(role) && tenantId is null)
        {
            errors.Add("tenantId", "Client users must belong to a tenant.");
        }
        else if (Roles.IsStaff(role) && tenantId is not null)
        {
            errors.Add("tenantId", "Staff users do not belong to a tenant.");
        }
    }

    private static void ValidatePassword(ValidationErrors errors, string? password, params string?[] userInputs)
    {
        if (PasswordPolicy.Check(password, userInputs) is { } problem)
        {
            errors.Add("password", problem);
        }
    }

    private static bool IsEmail(string value) =>
        System.Net.Mail.MailAddress.TryCreate(value.Trim(), out var address) && address.Address == value.Trim();
}
