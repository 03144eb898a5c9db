using LicenceOps.Tenants.Features.People.ImportPeople;

namespace LicenceOps.UnitTests.Tenants;

public sealed class PeopleCsvReaderTests
{
    private const string Header = "email,first_name,last_name,department,manager_email,start_date,external";

    [Test]
    public void Reads_well_formed_rows_with_spreadsheet_row_numbers()
    {
        var result = PeopleCsvReader.Read($"""
            {Header}
            Alice.Martin@Acme-Conseil.fr,Alice,Martin,Finance,,2026-12-01,false
            bob@acme-conseil.fr,Bob,Durand,,alice.martin@acme-conseil.fr,01/09/2024,
            """);

        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Rows, Has.Count.EqualTo(2));
        Assert.That(result.Rows[0], Is.EqualTo(new PersonCsvRow(2, "alice.martin@acme-conseil.fr", "Alice", "Martin", "Finance", null, new DateOnly(2026, 12, 1), false)));
        Assert.That(result.Rows[1], Is.EqualTo(new PersonCsvRow(3, "bob@acme-conseil.fr", "Bob", "Durand", null, "alice.martin@acme-conseil.fr", new DateOnly(2024, 9, 1), false)));
    }

    [Test]
    public void Reads_semicolon_separated_exports_with_quoted_fields_and_loose_headers()
    {
        var result = PeopleCsvReader.Read("""
            Email;First Name;Last Name;Department;Manager-Email;Start_Date;External
            " zoe@partner.example ";"Zoé";"d'Arc; née Martin";"R&D";;2026-01-05;oui
            """);

        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Rows.Single(), Is.EqualTo(new PersonCsvRow(2, "zoe@partner.example", "Zoé", "d'Arc; née Martin", "R&D", null, new DateOnly(2026, 1, 5), true)));
    }

    [Test]
    public void Reports_every_bad_field_with_its_row_and_column()
    {
        var result = PeopleCsvReader.Read($"""
            {Header}
            not-an-email,,Martin,Finance,,2026-13-01,maybe
            ok@acme-conseil.fr,Ok,Person,,ok@acme-conseil.fr,,
            """);

        Assert.That(result.Rows, Is.Empty);
        Assert.That(result.Errors.Select(e => (e.Row, e.Field)), Is.EqualTo(new[]
        {
            (2, "email"), (2, "first_name"), (2, "start_date"), (2, "external"),
            (3, "manager_email"), (3, "start_date"),
        }));
        Assert.That(result.Errors[0].Message, Does.Contain("not-an-email"));
    }

    [Test]
    public void Reports_a_duplicate_email_on_the_second_occurrence()
    {
        var result = PeopleCsvReader.Read($"""
            {Header}
            a@acme-conseil.fr,A,One,,,2026-01-01,
            A@ACME-CONSEIL.FR,A,Two,,,2026-01-01,
            """);

        Assert.That(result.Rows, Has.Count.EqualTo(1));
        Assert.That(result.Errors.Single(), Is.EqualTo(new RowError(3, "email", "a@acme-conseil.fr already appears on row 2.")));
    }

    [Test]
    public void Reports_missing_columns_on_the_header_row()
    {
        var result = PeopleCsvReader.Read("email,first_name,last_name\na@b.fr,A,B\n");

        Assert.That(result.Rows, Is.Empty);
        Assert.That(result.Errors.Select(e => (e.Row, e.Field)),
            Is.EqualTo(new[] { (1, "department"), (1, "manager_email"), (1, "start_date"), (1, "external") }));
    }

    [TestCase("")]
    [TestCase("   \n")]
    public void Reports_an_empty_file(string text) =>
        Assert.That(PeopleCsvReader.Read(text).Errors.Single().Field, Is.EqualTo("file"));

    [Test]
    public void Reports_a_header_without_people() =>
        Assert.That(PeopleCsvReader.Read(Header + "\n").Errors.Single().Message, Does.Contain("no people"));

    [Test]
    public void Skips_blank_lines_but_keeps_row_numbers_of_the_file()
    {
        var result = PeopleCsvReader.Read($"{Header}\n\na@acme-conseil.fr,A,One,,,2026-01-01,\n\nb@acme-conseil.fr,B,Two,,,2026-01-01,x\n");

        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Rows.Select(r => r.Row), Is.EqualTo(new[] { 3, 5 }));
        Assert.That(result.Rows[1].External, Is.True);
    }

    [Test]
    public void Reports_malformed_quoting_on_its_row_and_keeps_reading()
    {
        var result = PeopleCsvReader.Read($"{Header}\na@acme-conseil.fr,\"A\"x,One,,,2026-01-01,\nb@acme-conseil.fr,B,Two,,,2026-01-01,\n");

        Assert.That(result.Rows.Select(r => r.Email), Is.EqualTo(new[] { "b@acme-conseil.fr" }));
        Assert.That(result.Errors.Single().Row, Is.EqualTo(2));
    }

    [Test]
    public void Reports_names_longer_than_the_database_keeps()
    {
        var result = PeopleCsvReader.Read($"{Header}\na@acme-conseil.fr,{new string('x', 101)},One,,,2026-01-01,\n");

        Assert.That(result.Errors.Single(), Is.EqualTo(new RowError(2, "first_name", "First name is at most 100 characters.")));
    }
}
