using System.Text;
using LicenceOps.Seats.Vendors;
using LicenceOps.Seats.Vendors.Csv;

namespace LicenceOps.UnitTests.Seats;

public class CsvMemberExportTests
{
    [Test]
    public void Reads_members_under_the_vendors_own_header_names_with_dates_and_never()
    {
        var result = CsvMemberExport.Parse(
            "\uFEFFEmail Address,Full Name,Role,Member Status,Last Active,Date Added\r\n" +
            "Anna.Martin@Client.fr,Anna Martin,admin,Active,2026-11-20,2025-02-01\r\n" +
            "ben@client.fr,,member,Invite Pending,never,\r\n" +
            "carl@client.fr,Carl,member,suspended,20/10/2026,2026-03-05T10:00:00Z\r\n");

        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Members, Is.EqualTo(new[]
        {
            new VendorMember("anna.martin@client.fr", "admin", VendorMemberStatuses.Active, new DateOnly(2026, 11, 20), null, "Anna Martin", new DateOnly(2025, 2, 1)),
            new VendorMember("ben@client.fr", "member", VendorMemberStatuses.Invited, null, null, null, null),
            new VendorMember("carl@client.fr", "member", VendorMemberStatuses.Inactive, new DateOnly(2026, 10, 20), null, "Carl", new DateOnly(2026, 3, 5)),
        }));
    }

    [Test]
    public void Every_bad_row_is_reported_with_its_line_and_good_rows_are_still_read()
    {
        var result = CsvMemberExport.Parse(
            "email,status,last_active\n" +
            "ok@client.fr,active,2026-11-01\n" +
            "not-an-address,active,\n" +
            "OK@client.fr,active,\n" +
            "x@client.fr,banned,yesterday\n");

        Assert.That(result.Members.Select(m => m.Email), Is.EqualTo(new[] { "ok@client.fr" }));
        Assert.That(result.Errors.Select(e => e.Row), Is.EqualTo(new[] { 3, 4, 5 }));
        Assert.That(result.Errors[0].Message, Does.Contain("'not-an-address' is not an e-mail address"));
        Assert.That(result.Errors[1].Message, Does.Contain("already appears on row 2"), "duplicates are caught case-insensitively");
        Assert.That(result.Errors[2].Message, Does.Contain("status 'banned'").And.Contain("last active 'yesterday' is not a date"));
    }

    [TestCase("")]
    [TestCase("   \r\n")]
    public void An_empty_file_is_one_error_on_line_one(string text)
    {
        var result = CsvMemberExport.Parse(text);

        Assert.That(result.Members, Is.Empty);
        Assert.That(result.Errors.Single().Row, Is.EqualTo(1));
        Assert.That(result.Errors.Single().Message, Does.Contain("empty"));
    }

    [Test]
    public void A_header_without_email_or_status_is_refused_naming_what_was_found()
    {
        var result = CsvMemberExport.Parse("user,last seen\nanna@client.fr,2026-11-01\n");

        Assert.That(result.Members, Is.Empty);
        Assert.That(result.Errors.Single().Message, Does.Contain("e-mail and a status column").And.Contain("user, last seen"));
    }

    [Test]
    public void Broken_quoting_is_reported_on_its_row()
    {
        var result = CsvMemberExport.Parse("email,status\n\"anna@client.fr,active\nben@client.fr,active\n");

        Assert.That(result.Errors, Is.Not.Empty);
        Assert.That(result.Members.Select(m => m.Email), Does.Not.Contain("anna@client.fr"));
    }

    [Test]
    public void More_rows_than_the_limit_stop_with_an_error_instead_of_reading_on()
    {
        var text = new StringBuilder("email,status\n");
        for (var i = 0; i <= CsvMemberExport.MaxRows; i++)
        {
            text.Append("m").Append(i).Append("@client.fr,active\n");
        }

        var result = CsvMemberExport.Parse(text.ToString());

        Assert.That(result.Members, Has.Count.EqualTo(CsvMemberExport.MaxRows));
        Assert.That(result.Errors.Single().Message, Does.Contain($"More than {CsvMemberExport.MaxRows} rows"));
    }
}
