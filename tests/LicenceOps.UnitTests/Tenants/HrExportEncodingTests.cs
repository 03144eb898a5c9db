using System.Text;
using LicenceOps.Tenants.Features.People.ImportPeople;

namespace LicenceOps.UnitTests.Tenants;

/// <summary>Finding 8 of issue 9: exports from French Excel and friends are read as written, and leaves are never ignored.</summary>
public sealed class HrExportEncodingTests
{
    private const string FrenchExcel =
        "Email;First Name;Last Name;Department;Manager-Email;Start_Date;External\r\n" +
        "helene.lefevre@acme-conseil.fr;Hélène;Lefèvre;Comptabilité;;02/03/2026;non\r\n";

    static HrExportEncodingTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static IEnumerable<TestCaseData> Encodings()
    {
        yield return new TestCaseData(Encoding.GetEncoding(1252).GetBytes(FrenchExcel), "Windows-1252").SetName("Windows-1252 with semicolons");
        yield return new TestCaseData(Encoding.UTF8.GetBytes(FrenchExcel), "UTF-8").SetName("UTF-8 without BOM");
        yield return new TestCaseData(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(FrenchExcel)).ToArray(), "UTF-8").SetName("UTF-8 with BOM");
        yield return new TestCaseData(Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(FrenchExcel)).ToArray(), "UTF-16LE").SetName("UTF-16 with BOM");
        yield return new TestCaseData(Encoding.Unicode.GetBytes(FrenchExcel), "UTF-16LE").SetName("UTF-16 without BOM");
        yield return new TestCaseData(Encoding.BigEndianUnicode.GetBytes(FrenchExcel), "UTF-16BE").SetName("UTF-16 big-endian without BOM");
    }

    [TestCaseSource(nameof(Encodings))]
    public void Accented_names_survive_whatever_encoding_wrote_the_file(byte[] bytes, string expected)
    {
        var decoded = CsvTextDecoder.Decode(bytes);
        var result = PeopleCsvReader.Read(decoded.Text);

        Assert.That(decoded.EncodingName, Is.EqualTo(expected));
        Assert.That(result.Errors, Is.Empty);
        var row = result.Rows.Single();
        Assert.That((row.FirstName, row.LastName, row.Department), Is.EqualTo(("Hélène", "Lefèvre", "Comptabilité")));
    }

    [TestCase("leaving", "2026-12-31")]
    [TestCase("left", "2026-10-31")]
    [TestCase("", "2026-12-31")]
    [TestCase("active", "31/12/2026")]
    public void A_row_with_an_end_date_is_a_leaver_row_never_a_current_person(string status, string endDate)
    {
        var result = PeopleCsvReader.Read(
            "email,first_name,last_name,department,manager_email,start_date,external,status,end_date\n" +
            $"paul@acme-conseil.fr,Paul,Durand,,,2024-01-01,false,{status},{endDate}\n" +
            "anne@acme-conseil.fr,Anne,Petit,,,2024-01-01,false,active,\n");

        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Rows.Select(r => (r.Email, r.EndDate)), Is.EqualTo(new[]
        {
            ("paul@acme-conseil.fr", (DateOnly?)DateOnly.ParseExact(endDate.Replace('/', '-'), endDate.Contains('/') ? "dd-MM-yyyy" : "yyyy-MM-dd")),
            ("anne@acme-conseil.fr", (DateOnly?)null),
        }));
    }

    [TestCase("leaving", "", "end_date")]
    [TestCase("left", "", "end_date")]
    [TestCase("retired", "", "status")]
    [TestCase("left", "2023-12-31", "end_date")]
    [TestCase("", "next week", "end_date")]
    public void A_leave_that_cannot_be_recorded_refuses_the_row(string status, string endDate, string field)
    {
        var result = PeopleCsvReader.Read(
            "email,first_name,last_name,department,manager_email,start_date,external,status,end_date\n" +
            $"paul@acme-conseil.fr,Paul,Durand,,,2024-01-01,false,{status},{endDate}\n");

        Assert.That(result.Rows, Is.Empty);
        Assert.That(result.Errors.Single(), Has.Property("Row").EqualTo(2).And.Property("Field").EqualTo(field));
    }

    [TestCase("Hél\0ène")]
    [TestCase("Evil\u202Egnp.exe")]
    public void Control_and_bidi_characters_in_names_refuse_the_row(string firstName)
    {
        var result = PeopleCsvReader.Read(
            "email,first_name,last_name,department,manager_email,start_date,external\n" +
            $"x@acme-conseil.fr,{firstName},Durand,,,2024-01-01,false\n");

        Assert.That(result.Rows, Is.Empty);
        Assert.That(result.Errors.Single().Field, Is.EqualTo("first_name"));
    }
}
