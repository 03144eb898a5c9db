using LicenceOps.Seats;
using LicenceOps.Seats.Domain.Reconciliation;
using LicenceOps.Seats.Reconciliation;
using Microsoft.Extensions.Options;

namespace LicenceOps.UnitTests.Seats;

/// <summary>ADR 0052: what a comparison keeps in memory is found only at exactly its versions, and the memory stays within its bound.</summary>
public sealed class RememberedInputsTests
{
    private static readonly Guid Tenant = Guid.NewGuid();
    private static readonly DateOnly Day = new(2026, 11, 29);

    private static RememberedInputs Memory(int maxRows) =>
        new(Options.Create(new SeatsOptions { Reconciliation = new ReconciliationOptions { RememberedInputsMaxRows = maxRows } }));

    /// <summary>An entry holding <paramref name="seats"/> seats (and nothing else), at tenant version 7 and all-tenants version 3.</summary>
    private static RememberedInputs.Entry Entry(int seats, Guid? tenant = null)
    {
        var inputs = new AccountInputs();
        for (var i = 0; i < seats; i++)
        {
            inputs.Seats.Add(new PlanSeat(Guid.NewGuid(), Guid.Empty, Guid.Empty, $"p{i}@client.test", "", "active", Day, null, null));
        }
        return new RememberedInputs.Entry(tenant ?? Tenant, 7, 3, Day, inputs, new TenantPolicy(["client.test"], 30, 14), []);
    }

    [Test]
    public void Kept_inputs_are_found_only_for_their_tenant_at_their_very_versions_on_their_day_or_later()
    {
        var memory = Memory(1000);
        var account = Guid.NewGuid();
        var entry = Entry(3);
        memory.Remember(account, entry);

        Assert.That(memory.Find(account, Tenant, 7, 3, Day), Is.SameAs(entry));
        Assert.That(memory.Find(account, Tenant, 7, 3, Day.AddDays(40)), Is.SameAs(entry), "later days: no row can be newer than the versions say");
        Assert.That(memory.Find(account, Tenant, 8, 3, Day), Is.Null, "the tenant's data changed");
        Assert.That(memory.Find(account, Tenant, 7, 4, Day), Is.Null, "a table shared by all tenants changed");
        Assert.That(memory.Find(account, Guid.NewGuid(), 7, 3, Day), Is.Null, "another tenant");
        Assert.That(memory.Find(account, Tenant, 7, 3, Day.AddDays(-1)), Is.Null, "a clock set back: rows of the kept day would be too new");
        Assert.That(memory.Find(Guid.NewGuid(), Tenant, 7, 3, Day), Is.Null, "another account");

        memory.Forget(account);
        Assert.That(memory.Find(account, Tenant, 7, 3, Day), Is.Null);
        Assert.That(memory.Rows, Is.Zero);
    }

    [Test]
    public void The_memory_keeps_within_its_bound_dropping_other_accounts_first()
    {
        var memory = Memory(10);
        var (a, b, c) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        memory.Remember(a, Entry(4));
        memory.Remember(b, Entry(4));
        Assert.That(memory.Rows, Is.EqualTo(8));

        memory.Remember(b, Entry(5));
        Assert.That(memory.Rows, Is.EqualTo(9), "a new entry replaces the account's old one");

        var newest = Entry(6);
        memory.Remember(c, newest);
        Assert.That(memory.Rows, Is.LessThanOrEqualTo(10));
        Assert.That(memory.Find(c, Tenant, 7, 3, Day), Is.SameAs(newest), "the entry just kept stays");

        memory.Remember(a, Entry(11));
        Assert.That(memory.Find(a, Tenant, 7, 3, Day), Is.Null, "larger than the whole bound: not kept");
        Assert.That(memory.Rows, Is.LessThanOrEqualTo(10));
    }

    [Test]
    public void A_bound_of_zero_keeps_nothing()
    {
        var memory = Memory(0);
        var account = Guid.NewGuid();
        memory.Remember(account, Entry(1));
        Assert.That(memory.Find(account, Tenant, 7, 3, Day), Is.Null);
        Assert.That(memory.Rows, Is.Zero);
    }
}
