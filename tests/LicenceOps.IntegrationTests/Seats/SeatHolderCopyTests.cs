using System.Net;
using System.Net.Http.Json;
using Dapper;
using LicenceOps.Contracts.Tenants;
using LicenceOps.IntegrationTests.Infrastructure;
using LicenceOps.Platform;
using LicenceOps.Platform.Data;
using LicenceOps.Seats;
using LicenceOps.Seats.Reconciliation;
using Microsoft.Data.Sqlite;

namespace LicenceOps.IntegrationTests.Seats;

/// <summary>
/// A seat row keeps its holder's address and name (migration 2070, ADR 0092), which the reconciliation read-ahead reads instead of
/// joining people. The copy must be true after every write that changes a person or a seat's holder, whoever makes it: the person
/// events' consumer, a seat assigned, onboarded by a department template, seeded, or a hand-run statement; and a seat whose person
/// Seats does not know is not read, as the join did not read it.
/// </summary>
public sealed class SeatHolderCopyTests
{
    private static readonly Guid TenantId = DemoData.AcmeTenantId;
    private LicenceOpsFactory factory = null!;
    private HttpClient staff = null!;

    [SetUp]
    public async Task Start()
    {
        factory = new LicenceOpsFactory();
        staff = await factory.StaffClientAsync();
    }

    [TearDown]
    public void Stop()
    {
        staff.Dispose();
        factory.Dispose();
    }

    private DateOnly Today => DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime);

    /// <summary>The seats whose copy is not their person's address and name (NULL when Seats has no copy of the person).</summary>
    private const string WrongCopiesSql = """
        SELECT COUNT(*) FROM seats st LEFT JOIN people p ON p.person_id = st.person_id
        WHERE st.person_email IS NOT p.email OR st.person_name IS NOT p.display_name
        """;

    private Task<long> WrongCopiesAsync() => SeatsKit.CountAsync(factory, WrongCopiesSql);

    private async Task<IReadOnlyList<string>> ReadAheadAsync(Guid subscription) =>
        await SeatsKit.Db(factory).WriteAsync(async uow =>
            (await ReconciliationInputs.LoadSeatsAsync(uow, [subscription])).Select(s => $"{s.PersonId}|{s.PersonEmail}|{s.PersonName}").Order().ToList());

    [Test]
    public async Task The_demo_seed_and_a_joiner_onboarded_by_a_department_template_carry_their_holders_address_and_name()
    {
        // The demo estate's seats are taken over (SeatLedger.InsertTakenOverAsync); an onboarding's seat is inserted by the transfer's
        // step (SeatLedger.InsertAsync).
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM seats WHERE person_email IS NOT NULL"), Is.GreaterThan(0), "the demo seed has seats");
        var department = await SeatsKit.BodyAsync(await staff.PostAsJsonAsync($"/api/tenants/{TenantId}/departments", new { name = "Dept " + Guid.NewGuid().ToString("N")[..8] }));
        var subscription = await SeatsKit.CreateSubscriptionAsync(factory, staff, TenantId, "chatgpt-business-monthly", quantity: 0, policy: "allow");
        await WorkflowKit.TemplateAsync(factory, staff, TenantId, department.Id(), subscription.Id());
        var email = $"joiner{Guid.NewGuid():N}@{DemoData.AcmeDomain}";
        var joined = await staff.PostAsJsonAsync($"/api/tenants/{TenantId}/people", new
        {
            email, firstName = "Zoë", lastName = "O'Brien", departmentId = department.Id(), startDate = Today,
        });
        Assert.That(joined.StatusCode, Is.EqualTo(HttpStatusCode.Created), await joined.Content.ReadAsStringAsync());
        var person = (await SeatsKit.BodyAsync(joined)).Id();

        await Eventually.UntilAsync(async () =>
        {
            await SeatsKit.SweepAsync(factory);
            return await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM seats WHERE person_id = @person", new { person }) == 1;
        }, because: "the onboarding assigns the template's seat");

        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM seats WHERE person_id = @person AND person_email = @email AND person_name = 'Zoë O''Brien'",
            new { person, email }), Is.EqualTo(1), "the onboarded seat carries the joiner's address and name");
        Assert.That(await WrongCopiesAsync(), Is.Zero, "every seat, the demo's included, carries its holder's address and name");
        Assert.That(await ReadAheadAsync(subscription.Id()), Is.EqualTo(new[] { $"{person}|{email}|Zoë O'Brien" }));
    }

    [Test]
    public async Task Seats_follow_their_holders_new_address_and_name_from_a_person_event_held_or_released()
    {
        var person = await SeatsKit.PersonJoinsAsync(factory, TenantId);
        var held = (await SeatsKit.CreateSubscriptionAsync(factory, staff, TenantId, "chatgpt-business-monthly", policy: "allow")).Id();
        var released = (await SeatsKit.CreateSubscriptionAsync(factory, staff, TenantId, "claude-team-standard-monthly", policy: "allow")).Id();
        var seat = (await SeatsKit.AssignAsync(staff, TenantId, held, person)).Id();
        var releasedSeat = (await SeatsKit.AssignAsync(staff, TenantId, released, person)).Id();
        await SeatsKit.Db(factory).WriteAsync(uow => uow.ExecuteAsync("UPDATE seats SET status = 'released' WHERE id = @releasedSeat", new { releasedSeat }));
        Assert.That(await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM seats WHERE id = @seat AND person_email = @email AND person_name = 'Test Person'",
            new { seat, email = $"p{person:N}@example.test" }), Is.EqualTo(1), "an assigned seat carries its holder's address and name");

        // Tenants' next event about the person carries a new address and name (a move keeps the rest).
        var email = $"renamed.{person:N}@{DemoData.AcmeDomain}";
        await SeatsKit.PublishAsync(factory, new PersonMovedDepartment(person, TenantId, email, null, null, Today, factory.Clock.GetUtcNow(), DisplayName: "Ann \"Zoë\" Renamed 😀"));
        await Eventually.UntilAsync(async () => await SeatsKit.CountAsync(factory, "SELECT COUNT(*) FROM people WHERE person_id = @person AND email = @email",
            new { person, email }) == 1, because: "Seats' copy of the person takes the new address");

        Assert.That(await SeatsKit.CountAsync(factory,
                "SELECT COUNT(*) FROM seats WHERE person_id = @person AND person_email = @email AND person_name = 'Ann \"Zoë\" Renamed 😀'", new { person, email }),
            Is.EqualTo(2), "both seats, held and released, carry the new address and name");
        Assert.That(await WrongCopiesAsync(), Is.Zero);
        Assert.That(await ReadAheadAsync(held), Is.EqualTo(new[] { $"{person}|{email}|Ann \"Zoë\" Renamed 😀" }));
    }

    [Test]
    public async Task Every_hand_run_write_to_a_person_or_a_seats_holder_keeps_the_copy_true_and_a_seat_of_an_unknown_person_is_not_read()
    {
        var subscription = (await SeatsKit.CreateSubscriptionAsync(factory, staff, TenantId, "chatgpt-business-monthly", policy: "allow")).Id();
        var (ann, ben) = (Guid.NewGuid(), Guid.NewGuid());
        var seat = Guid.NewGuid();
        var db = SeatsKit.Db(factory);
        async Task StepAsync(string sql, string because, params string[] expected)
        {
            await db.WriteAsync(uow => uow.ExecuteAsync(sql, new { ann, ben, seat, subscription, tenant = TenantId, now = factory.Clock.GetUtcNow() }));
            Assert.That(await WrongCopiesAsync(), Is.Zero, because);
            Assert.That(await ReadAheadAsync(subscription), Is.EqualTo(expected), because);
        }

        await StepAsync(
            """
            INSERT INTO seats (id, tenant_id, subscription_id, person_id, status, assigned_on, released_on, created_at, updated_at)
            VALUES (@seat, @tenant, @subscription, @ann, 'active', '2026-11-01', NULL, @now, @now)
            """, "a seat of a person Seats does not know yet has no copy, and is not read");
        await StepAsync(
            """
            INSERT INTO people (person_id, tenant_id, email, display_name, department_id, status, end_date, updated_at)
            VALUES (@ann, @tenant, 'ann@acme.test', 'Ann', NULL, 'active', NULL, @now)
            """, "the person arrives: the seat takes the copy", $"{ann}|ann@acme.test|Ann");
        await StepAsync("UPDATE people SET email = 'ann.o''brien@acme.test' WHERE person_id = @ann", "a new address", $"{ann}|ann.o'brien@acme.test|Ann");
        await StepAsync("UPDATE people SET display_name = 'Ann O''Brien' WHERE person_id = @ann", "a new name", $"{ann}|ann.o'brien@acme.test|Ann O'Brien");
        await StepAsync(
            """
            INSERT INTO people (person_id, tenant_id, email, display_name, department_id, status, end_date, updated_at)
            VALUES (@ben, @tenant, 'ben@acme.test', 'Ben', NULL, 'active', NULL, @now)
            """, "another person", $"{ann}|ann.o'brien@acme.test|Ann O'Brien");
        await StepAsync("UPDATE seats SET person_id = @ben WHERE id = @seat", "the seat given another holder", $"{ben}|ben@acme.test|Ben");
        await StepAsync("UPDATE seats SET person_email = 'wrong@acme.test', person_name = NULL WHERE id = @seat", "a copy written by hand is put right",
            $"{ben}|ben@acme.test|Ben");
        await StepAsync("UPDATE people SET person_id = @seat WHERE person_id = @ben", "the person's own id changed: the seat's holder is unknown now");
        await StepAsync("UPDATE people SET person_id = @ben WHERE person_id = @seat", "and back", $"{ben}|ben@acme.test|Ben");
        // A change to the person that is neither the address nor the name does not rewrite the person's seats (counted by a trigger of
        // the test's own on the connection of this one transaction); one that is does.
        var seatWrites = await db.WriteAsync(async uow =>
        {
            await uow.ExecuteAsync(
                """
                CREATE TEMP TABLE seat_writes (id TEXT);
                CREATE TEMP TRIGGER count_seat_writes AFTER UPDATE ON main.seats BEGIN INSERT INTO seat_writes VALUES (NEW.id); END;
                """);
            await uow.ExecuteAsync("UPDATE people SET status = 'leaving', department_id = @seat, updated_at = @now WHERE person_id = @ben", new { ben, seat, now = factory.Clock.GetUtcNow() });
            var other = await uow.QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM seat_writes");
            await uow.ExecuteAsync("UPDATE people SET email = 'ben.b@acme.test' WHERE person_id = @ben", new { ben });
            var address = await uow.QuerySingleOrDefaultAsync<long>("SELECT COUNT(*) FROM seat_writes");
            await uow.ExecuteAsync("DROP TRIGGER temp.count_seat_writes; DROP TABLE temp.seat_writes;");
            return (other, address);
        });
        Assert.That(seatWrites, Is.EqualTo((0L, 1L)), "a status and department change writes no seat; an address change writes the person's one seat");
        Assert.That(await WrongCopiesAsync(), Is.Zero);
        Assert.That(await ReadAheadAsync(subscription), Is.EqualTo(new[] { $"{ben}|ben.b@acme.test|Ben" }));
        await StepAsync("DELETE FROM people WHERE person_id = @ben", "the person gone: no copy, not read");
        await StepAsync(
            """
            INSERT INTO seats (id, tenant_id, subscription_id, person_id, status, assigned_on, released_on, created_at, updated_at, person_email, person_name)
            VALUES (@ann, @tenant, @subscription, @ann, 'active', '2026-11-01', NULL, @now, @now, 'stale@acme.test', 'Stale')
            """, "a seat inserted with a stale copy takes its holder's", $"{ann}|ann.o'brien@acme.test|Ann O'Brien");
    }

    [Test]
    public async Task The_read_aheads_seats_read_seeks_the_subscriptions_seats_without_a_descent_into_people()
    {
        // Before migration 2070 the plan searched people's person_id index once per seat (SEARCH p USING INDEX sqlite_autoindex_people_1).
        await using var connection = await SeatsKit.Db(factory).OpenAsync();
        var plan = (await connection.QueryAsync<(long Id, long Parent, long Unused, string Detail)>(
                "EXPLAIN QUERY PLAN " + ReconciliationInputs.SeatsSql, new { chunk = new[] { Guid.NewGuid(), Guid.NewGuid() } }))
            .Select(step => step.Detail).ToList();

        Assert.That(plan, Has.Some.Contains("SEARCH st USING INDEX ux_seats_open_per_person (subscription_id=?)"), string.Join("; ", plan));
        Assert.That(plan, Has.None.Contains("people"), string.Join("; ", plan));
    }

    [Test]
    public void The_migration_backfills_the_copy_of_the_seats_written_before_it()
    {
        // The SQLite scripts up to 2069 on a file of its own, seats and people written as before the copy existed, then 2070.
        var path = Path.Combine(Path.GetTempPath(), $"seat-holder-{Guid.NewGuid():N}.db");
        try
        {
            using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
            connection.Open();
            var seatsScripts = MigrationSource.ForModule(new SeatsModule());
            void Run(MigrationSource source, Func<long, bool> which)
            {
                foreach (var (id, resource) in source.Scripts(SqlDialect.Sqlite).Where(s => which(MigrationSource.ScriptNumber(s.Id[(s.Id.IndexOf('/') + 1)..]))))
                {
                    foreach (var batch in MigrationRunner.Batches(source.Read(resource), SqlDialect.Sqlite))
                    {
                        connection.Execute(batch);
                    }
                    _ = id;
                }
            }
            Run(MigrationSource.PlatformSchema, _ => true);
            Run(seatsScripts, n => n < 2070);
            var (tenant, subscription, ann, ghost) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
            connection.Execute(
                """
                INSERT INTO subscriptions (id, tenant_id, plan_code, vendor_account_id, committed_quantity, occupied_seats, term_start, renewal_date,
                    sale_price_per_seat_eur, auto_increase_policy, created_at, updated_at)
                VALUES (@subscription, @tenant, 'chatgpt-business-monthly', 'ws', 3, 3, '2026-01-01', '2027-01-01', NULL, 'allow', '2026-01-01', '2026-01-01');
                INSERT INTO people (person_id, tenant_id, email, display_name, department_id, status, end_date, updated_at)
                VALUES (@ann, @tenant, 'ann@acme.test', 'Ann ''Zoë''', NULL, 'active', NULL, '2026-01-01');
                INSERT INTO seats (id, tenant_id, subscription_id, person_id, status, assigned_on, released_on, created_at, updated_at)
                VALUES ('s1', @tenant, @subscription, @ann, 'active', '2026-01-01', NULL, '2026-01-01', '2026-01-01'),
                       ('s2', @tenant, @subscription, @ann, 'released', '2026-01-01', '2026-02-01', '2026-01-01', '2026-01-01'),
                       ('s3', @tenant, @subscription, @ghost, 'active', '2026-01-01', NULL, '2026-01-01', '2026-01-01');
                """, new { tenant, subscription, ann, ghost });

            Run(seatsScripts, n => n == 2070);

            Assert.That(connection.Query<string>("SELECT id || '|' || COALESCE(person_email, '-') || '|' || COALESCE(person_name, '-') FROM seats ORDER BY id"),
                Is.EqualTo(new[] { "s1|ann@acme.test|Ann 'Zoë'", "s2|ann@acme.test|Ann 'Zoë'", "s3|-|-" }), "held and released seats backfilled; a seat of an unknown person has none");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }
}
