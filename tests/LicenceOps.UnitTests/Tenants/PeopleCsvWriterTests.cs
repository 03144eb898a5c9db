using LicenceOps.Tenants.Features.People.ExportPeople;
using LicenceOps.Tenants.Features.People.ImportPeople;

namespace LicenceOps.UnitTests.Tenants;

public sealed class PeopleCsvWriterTests
{
    [Test]
    public void Writes_the_import_columns_then_status_and_end_date()
    {
        var csv = PeopleCsvWriter.Write([
            new PersonCsvLine("a@acme.fr", "Anne", "Durand, Jr", "Finance", null, new DateOnly(2024, 1, 2), false, "leaving", new DateOnly(2026, 12, 31)),
        ]);

        Assert.That(csv, Is.EqualTo(
            "email,first_name,last_name,department,manager_email,start_date,external,status,end_date\r\n" +
            "a@acme.fr,Anne,\"Durand, Jr\",Finance,,2024-01-02,false,leaving,2026-12-31\r\n"));
    }

    [Test]
    public void Neutralises_spreadsheet_formulas_in_names()
    {
        var csv = PeopleCsvWriter.Write([
            new PersonCsvLine("a@acme.fr", "=HYPERLINK(\"http://x\")", "Last", null, null, new DateOnly(2024, 1, 2), false, "active", null),
        ]);

        Assert.That(csv, Does.Not.Contain(",=HYPERLINK"));
        Assert.That(csv, Does.Contain("'=HYPERLINK"));
    }

    [Test]
    public void An_export_reads_back_as_the_same_people()
    {
        var csv = PeopleCsvWriter.Write([
            new PersonCsvLine("a@acme.fr", "Anne", "Durand", "Finance", null, new DateOnly(2024, 1, 2), false, "active", null),
            new PersonCsvLine("b@partner.example", "Zoé", "d'Arc; \"la\"", null, "a@acme.fr", new DateOnly(2026, 12, 1), true, "joining", null),
        ]);

        var read = PeopleCsvReader.Read(csv);

        Assert.That(read.Errors, Is.Empty);
        Assert.That(read.Rows, Is.EqualTo(new[]
        {
            new PersonCsvRow(2, "a@acme.fr", "Anne", "Durand", "Finance", null, new DateOnly(2024, 1, 2), false),
            new PersonCsvRow(3, "b@partner.example", "Zoé", "d'Arc; \"la\"", null, "a@acme.fr", new DateOnly(2026, 12, 1), true),
        }));
    }
}
